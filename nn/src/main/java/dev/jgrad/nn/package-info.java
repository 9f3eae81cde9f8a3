/** jgrad nn module. */
package dev.jgrad.nn;
