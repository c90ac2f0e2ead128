import ModelSpec

/// The supported-layers table of the README, made from `LayerRegistry` so it cannot drift.
public enum SupportedLayers {
    /// The Markdown table.
    public static func markdownTable() -> String {
        var lines = ["| Layer | Family | Notes |", "| --- | --- | --- |"]
        for kind in LayerRegistry.builtIn {
            lines.append("| \(kind.className) | \(kind.family) | \(kind.summary) |")
        }
        lines += [
            "",
            "Operations on Keras tensors in Functional models (`x + 3.0`, `ops.mean(x, axis=1)`,",
            "`x[:, -1]`), which Keras saves as nodes of the operation's class:",
            "",
            "| Operation | Module | Notes |",
            "| --- | --- | --- |",
        ]
        for (className, kind) in Operations.kinds.sorted(by: { $0.key < $1.key }) {
            lines.append("| \(className) | `\(kind.configType.module)` | \(kind.summary) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
