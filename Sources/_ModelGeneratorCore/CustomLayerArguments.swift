import ModelSpec

/// Spells a custom layer's config from the spec as the labeled arguments of its Swift config
/// type's initializer: `name: "scale", initValue: 0.5`. The generator does not know the Swift
/// type's fields, so the compiler checks the labels, their order (Keras's `get_config()` order)
/// and the value types.
enum CustomLayerArguments {
    /// Checks that every custom layer's config in `description` (nested models' included) can
    /// be spelled in Swift; the error points at the value that cannot.
    static func check(_ description: ModelDescription) throws(SpecError) {
        for layer in description.layers {
            if let nested = layer.nested { try check(nested) }
            if let config = layer.config as? DeclaredLayerConfig {
                do {
                    _ = try arguments(config)
                } catch {
                    var error = error
                    error.message = "custom layer '\(layer.name)' (\(layer.className)): " + error.message
                    throw error
                }
            }
        }
    }

    /// The labeled arguments: the base layer's `name`, `trainable` and `dtype` first, as Keras's
    /// `get_config()` writes them, then the layer's own keys in the spec's order. `trainable`
    /// and `dtype` are left out at Keras's defaults (`true`, float32), which the Swift config's
    /// initializer must default to.
    static func arguments(_ config: DeclaredLayerConfig) throws(SpecError) -> [String] {
        var arguments = ["name: " + SwiftLiteral.string(config.name)]
        let base = ["trainable", "dtype"]
        let ordered =
            base.compactMap { key in config.members.first { $0.key == key } }
            + config.members.filter { $0.key != "name" && !base.contains($0.key) }
        for member in ordered {
            switch member.key {
            case "trainable":
                guard let value = member.value.value.boolValue else {
                    throw SpecError(
                        "expected a boolean for 'trainable', found \(member.value.value.kindDescription)",
                        at: member.value.location)
                }
                if !value { arguments.append("trainable: false") }
                continue
            case "dtype":
                // Only float32 decodes; the error names the policy found.
                _ = try SpecDecoder().decode(DTypePolicy.self, from: member.value)
                continue
            default:
                break
            }
            let label = ConfigField<DeclaredLayerConfig>.label(forKey: member.key)
            guard Naming.isASCIIIdentifier(label) else {
                throw SpecError(
                    "the config key '\(member.key)' has no Swift argument label (keys are snake_case ASCII names)",
                    at: member.keyLocation ?? member.value.location)
            }
            let spelled = ["inout", "var", "let"].contains(label) ? "`\(label)`" : label
            arguments.append(spelled + ": " + (try expression(member.value, key: member.key)))
        }
        return arguments
    }

    /// Swift source for a JSON value: a literal, or an initializer's Swift spelling.
    static func expression(_ node: JSONNode, key: String) throws(SpecError) -> String {
        switch node.value {
        case .null:
            return "nil"
        case .bool(let value):
            return value ? "true" : "false"
        case .number(let text):
            switch text {
            case "NaN": return ".nan"
            case "Infinity": return ".infinity"
            case "-Infinity": return "-.infinity"
            default: return text
            }
        case .string(let text):
            return SwiftLiteral.string(text)
        case .array(let elements):
            var parts: [String] = []
            for element in elements { parts.append(try expression(element, key: key)) }
            return "[" + parts.joined(separator: ", ") + "]"
        case .object:
            if let initializer = try? SpecDecoder().decode(Initializer.self, from: node) {
                return initializer.swiftExpression
            }
            throw SpecError(
                "'\(key)' holds an object that is not a Keras initializer; a custom layer's config values must be "
                    + "numbers, strings, booleans, null, lists of them or initializers",
                at: node.location)
        }
    }
}
