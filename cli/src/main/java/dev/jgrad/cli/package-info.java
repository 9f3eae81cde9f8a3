/** jgrad cli module. */
package dev.jgrad.cli;
