import Foundation
import ModelSpec

/// Keras's `model.summary()` table for a described model.
public enum Summary {
    /// The table Keras prints for the model, with its totals. Functional models get Keras's
    /// "Connected to" column, one `layer[node][tensor]` per line.
    public static func render(_ model: ModelDescription) -> String {
        let functional = model.className == "Functional"
        let widths = functional ? [33, 24, 13, 24] : [33, 24, 15]
        let headers = ["Layer (type)", "Output Shape", "Param #"] + (functional ? ["Connected to"] : [])

        /// One table row; a cell may span several lines. The parameter count is right-aligned.
        func row(_ cells: [[String]], _ border: String) -> [String] {
            let height = cells.map(\.count).max() ?? 1
            return (0..<height).map { line in
                let parts = cells.enumerated().map { index, cell -> String in
                    let width = widths[index] - 2
                    let text = line < cell.count ? cell[line] : ""
                    let clipped = text.count > width ? String(text.prefix(width - 1)) + "…" : text
                    let padding = String(repeating: " ", count: width - clipped.count)
                    return " " + (index == 2 ? padding + clipped : clipped + padding) + " "
                }
                return border + parts.joined(separator: border) + border
            }
        }
        func rule(_ left: String, _ fill: String, _ separator: String, _ right: String) -> String {
            left + widths.map { String(repeating: fill, count: $0) }.joined(separator: separator) + right
        }

        // Keras's call numbering: `layer[node][tensor]` counts a layer's calls in this model.
        var callNumber = [Int](repeating: 0, count: model.graph.nodes.count)
        var calls = [Int](repeating: 0, count: model.layers.count)
        for (index, node) in model.graph.nodes.enumerated() {
            callNumber[index] = calls[node.layer]
            calls[node.layer] += 1
        }
        let firstCall = Dictionary(
            model.graph.nodes.enumerated().map { ($1.layer, $0) }, uniquingKeysWith: { first, _ in first })

        var lines = ["Model: \"\(model.attributes.name)\""]
        lines.append(rule("┏", "━", "┳", "┓"))
        lines += row(headers.map { [$0] }, "┃")
        lines.append(rule("┡", "━", "╇", "┩"))
        // Keras lists a Sequential model's layers without its InputLayer, a Functional model's with.
        let shown = model.layers.enumerated().filter { functional || !$0.element.isInput }
        for (position, (index, layer)) in shown.enumerated() {
            let shapes = firstCall[index].map { model.nodeShapes[$0] } ?? []
            let shape =
                shapes.count == 1
                ? shapes[0].description : "[" + shapes.map(\.description).joined(separator: ", ") + "]"
            var cells = [["\(layer.name) (\(layer.className))"], [shape], [Format.grouped(layer.parameterCount)]]
            if functional {
                let connections = model.graph.nodes.filter { $0.layer == index }.flatMap { node in
                    node.inputs.map {
                        "\(model.layers[model.graph.nodes[$0.node].layer].name)[\(callNumber[$0.node])][\($0.index)]"
                    }
                }
                cells.append(connections.isEmpty ? ["-"] : connections)
            }
            lines += row(cells, "│")
            if position < shown.count - 1 { lines.append(rule("├", "─", "┼", "┤")) }
        }
        lines.append(rule("└", "─", "┴", "┘"))
        let total = model.parameterCount
        let trainable = model.trainableParameterCount
        lines.append(" Total params: \(Format.grouped(total)) (\(memorySize(total * 4)))")
        lines.append(" Trainable params: \(Format.grouped(trainable)) (\(memorySize(trainable * 4)))")
        lines.append(
            " Non-trainable params: \(Format.grouped(total - trainable)) (\(memorySize((total - trainable) * 4)))")
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
