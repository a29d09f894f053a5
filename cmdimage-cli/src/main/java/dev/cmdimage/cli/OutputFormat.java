package dev.cmdimage.cli;

/** How objects are written to stdout ({@code -o yaml|json}). */
enum OutputFormat {
    yaml,
    json
}
