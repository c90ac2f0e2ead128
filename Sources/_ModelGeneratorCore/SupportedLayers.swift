import ModelSpec

/// The supported-layers table of the README, made from `LayerRegistry` so it cannot drift.
public enum SupportedLayers {
    /// The Markdown table.
    public static func markdownTable() -> String {
        var lines = ["| Layer | Family | Notes |", "| --- | --- | --- |"]
        for kind in LayerRegistry.builtIn {
            lines.append("| \(kind.className) | \(kind.family) | \(kind.summary) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
