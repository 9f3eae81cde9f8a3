/** jgrad engine module. */
package dev.jgrad.engine;
