/**
 * Reading files the library did not write (not exported): what a path is, read without following a symlink
 * ({@link dev.cmdimage.core.internal.files.FileState}), and bounded reads of regular files only
 * ({@link dev.cmdimage.core.internal.files.RegularFiles}), so a FIFO, a device or a huge file never blocks or
 * exhausts a build.
 */
package dev.cmdimage.core.internal.files;
