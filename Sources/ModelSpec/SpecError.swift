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
    /// Further errors found in the same spec, independent of this one.
    public var additional: [SpecError] = []

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
        copy.additional = additional.map { $0.inFile(file) }
        return copy
    }

    /// The first of `errors`, carrying the others as `additional`.
    public static func combining(_ errors: [SpecError]) -> SpecError? {
        guard var first = errors.first else { return nil }
        first.additional += errors.dropFirst()
        return first
    }

    /// `PATH:LINE:COLUMN: error: MESSAGE`, leaving out what is unknown; one line per error.
    public var description: String {
        ([Self.format("error", message, location, file)] + additional.map(\.description)).joined(separator: "\n")
    }

    static func format(_ severity: String, _ message: String, _ location: SourceLocation?, _ file: String?) -> String {
        var prefix = ""
        if let file { prefix += file + ":" }
        if let location { prefix += "\(location.line):\(location.column):" }
        return (prefix.isEmpty ? "" : prefix + " ") + severity + ": " + message
    }
}

/// Something valid but suspicious in a spec, printed as `PATH:LINE:COLUMN: warning: MESSAGE`.
public struct SpecWarning: Sendable, Equatable, CustomStringConvertible {
    /// What looks wrong.
    public var message: String
    /// Where in the spec, when known.
    public var location: SourceLocation?
    /// The spec's path, when known.
    public var file: String?

    /// A warning with `message` at `location`.
    public init(_ message: String, at location: SourceLocation? = nil, file: String? = nil) {
        self.message = message
        self.location = location
        self.file = file
    }

    public var description: String { SpecError.format("warning", message, location, file) }
}
