import EventImport

extension BufferedOutput {
    /// Writes `text` as one line safe for a terminal or a log (``TerminalSafe``): control
    /// characters, bidirectional overrides and newlines from file names, event content or rule
    /// texts are shown as visible escapes, so they can neither drive the terminal nor forge a line.
    func writeLine(_ text: String) {
        write(TerminalSafe.line(text) + "\n")
    }
}
