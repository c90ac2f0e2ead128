import Foundation
import ModelSpec

/// A model's graph as a diagram: Mermaid (renders in GitHub pull requests and DocC) or
/// Graphviz DOT. One box per layer call, labeled with the layer, its class and output shape.
public enum GraphDiagram {
    /// The diagram languages.
    public enum Format: String, Sendable, CaseIterable {
        case mermaid, dot
    }

    /// The diagram of `model` in `format`.
    public static func render(_ model: ModelDescription, format: Format) -> String {
        let boxes = labels(model)
        var lines: [String] = []
        switch format {
        case .mermaid:
            lines.append("flowchart TD")
            for (index, label) in boxes.enumerated() {
                lines.append("    n\(index)[\"\(mermaidEscape(label).replacingNewlines(with: "<br/>"))\"]")
            }
            for (index, node) in model.graph.nodes.enumerated() {
                for input in node.inputs { lines.append("    n\(input.node) --> n\(index)") }
            }
        case .dot:
            lines.append("digraph \(dotString(model.attributes.name)) {")
            lines.append("    rankdir=TB;")
            lines.append("    node [shape=box, fontname=\"Helvetica\"];")
            for (index, label) in boxes.enumerated() {
                lines.append("    n\(index) [label=\(dotString(label).replacingNewlines(with: "\\n"))];")
            }
            for (index, node) in model.graph.nodes.enumerated() {
                for input in node.inputs { lines.append("    n\(input.node) -> n\(index);") }
            }
            lines.append("}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each call's label: `name (Class)`, a call number for shared layers, the output shape.
    static func labels(_ model: ModelDescription) -> [String] {
        var calls = [Int](repeating: 0, count: model.layers.count)
        return model.graph.nodes.enumerated().map { index, node in
            calls[node.layer] += 1
            let layer = model.layers[node.layer]
            let call = calls[node.layer] > 1 ? " call \(calls[node.layer])" : ""
            let shapes = model.nodeShapes[index].map(\.description).joined(separator: ", ")
            return "\(layer.name) (\(layer.className))\(call)\n\(shapes)"
        }
    }

    /// Text safe inside a Mermaid `["…"]` label.
    static func mermaidEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\"": out += "#quot;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "#": out += "#35;"
            case "`": out += "#96;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A DOT quoted string.
    static func dotString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension String {
    func replacingNewlines(with separator: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: separator)
    }
}
