/** jgrad transformer module. */
package dev.jgrad.transformer;
