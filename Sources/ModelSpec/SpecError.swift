/// A position in a spec file: 1-based line and 1-based column, counted in UTF-8 bytes as
/// compilers do.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in UTF-8 bytes.
    public var column: Int

    /// A location at `line` and `column`.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A problem with a spec or a config, located where it can be: printed as
/// `PATH:LINE:COLUMN: error: MESSAGE`, the form compilers and Xcode understand.
public struct SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the layer and field where there is one.
    public var message: String
    /// Where in the spec, when known.
    public var location: SourceLocation?
    /// The spec's path as the user gave it, when known.
    public var file: String?

    /// An error with `message`, at `location` in `file` when known.
    public init(_ message: String, at location: SourceLocation? = nil, file: String? = nil) {
        self.message = message
        self.location = location
        self.file = file
    }

    /// The same error attributed to `file` (an already attributed error keeps its file).
    public func inFile(_ file: String) -> SpecError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }

    /// `PATH:LINE:COLUMN: error: MESSAGE`, leaving out what is unknown.
    public var description: String {
        var prefix = ""
        if let file { prefix += file + ":" }
        if let location { prefix += "\(location.line):\(location.column):" }
        return (prefix.isEmpty ? "" : prefix + " ") + "error: " + message
    }
}
