import ModelSpec

/// Keras's `model.summary()` table for a described model.
public enum Summary {
    /// The table Keras prints for the model, with its totals.
    public static func render(_ model: ModelDescription) -> String {
        let widths = [33, 24, 15]
        func row(_ cells: [String], _ left: String, _ separator: String, _ right: String, rightAlignLast: Bool = true) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let width = widths[index] - 2
                let clipped = cell.count > width ? String(cell.prefix(width - 1)) + "…" : cell
                let padding = String(repeating: " ", count: width - clipped.count)
                let aligned = index == cells.count - 1 && rightAlignLast ? padding + clipped : clipped + padding
                parts.append(" " + aligned + " ")
            }
            return left + parts.joined(separator: separator) + right
        }
        func rule(_ left: String, _ fill: String, _ separator: String, _ right: String) -> String {
            left + widths.map { String(repeating: fill, count: $0) }.joined(separator: separator) + right
        }
        var lines = ["Model: \"\(model.attributes.name)\""]
        lines.append(rule("┏", "━", "┳", "┓"))
        lines.append(row(["Layer (type)", "Output Shape", "Param #"], "┃", "┃", "┃"))
        lines.append(rule("┡", "━", "╇", "┩"))
        let firstCall = Dictionary(model.graph.nodes.enumerated().map { ($1.layer, $0) }, uniquingKeysWith: { first, _ in first })
        // Keras lists a Sequential model's layers without its InputLayer, a Functional model's with.
        let shown = model.layers.enumerated().filter { model.className == "Functional" || !$0.element.isInput }
        for (position, (index, layer)) in shown.enumerated() {
            let shapes = firstCall[index].map { model.nodeShapes[$0] } ?? []
            let shape = shapes.count == 1 ? shapes[0].description : "[" + shapes.map(\.description).joined(separator: ", ") + "]"
            lines.append(row(["\(layer.name) (\(layer.className))", shape, Format.grouped(layer.parameterCount)], "│", "│", "│"))
            if position < shown.count - 1 { lines.append(rule("├", "─", "┼", "┤")) }
        }
        lines.append(rule("└", "─", "┴", "┘"))
        let total = model.parameterCount
        let trainable = model.trainableParameterCount
        lines.append(" Total params: \(Format.grouped(total)) (\(memorySize(total * 4)))")
        lines.append(" Trainable params: \(Format.grouped(trainable)) (\(memorySize(trainable * 4)))")
        lines.append(" Non-trainable params: \(Format.grouped(total - trainable)) (\(memorySize((total - trainable) * 4)))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Keras's `readable_memory_size`: `91.25 KB`.
    static func memorySize(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
    }
}
