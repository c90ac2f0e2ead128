/// Legacy Keras 2 full-model `.h5` files as specs.
///
/// Keras 2 (`tf.keras`, `model.save("m.h5")`) writes the architecture as JSON into the root
/// group's `model_config` attribute, beside `keras_version` and `backend`, and the weights into
/// a `model_weights` group. h5py 3 stores the JSON as a variable-length string, h5py 2 as a
/// fixed-length one; both are read. Weights-only files (Keras 2's `save_weights("w.h5")`,
/// Keras 3's `.weights.h5`) have no `model_config` and are refused with a message that says so.
package enum LegacyKerasH5 {
    /// Whether `file` names an HDF5 spec: `NAME.h5` or `NAME.hdf5`, as Keras 2 saves them.
    package static func isSpec(_ file: String) -> Bool {
        file.hasSuffix(".h5") || file.hasSuffix(".hdf5")
    }

    /// The bytes of the `model_config` JSON in the HDF5 file `bytes`; errors name `file`.
    package static func modelConfig(_ bytes: [UInt8], file: String) throws(SpecError) -> [UInt8] {
        do {
            return try bytes.withUnsafeBytes { buffer in try modelConfig(HDF5File(buffer)) }
        } catch let error as SpecError {
            throw error.inFile(file)
        } catch let error as HDF5Error {
            throw SpecError("cannot read the legacy Keras .h5 file: \(error.message)", file: file)
        } catch {
            throw SpecError("cannot read the legacy Keras .h5 file: \(error)", file: file)
        }
    }

    /// A model saved whole by Keras 2 is what the file must hold.
    private static let whatASpecIs =
        "a legacy .h5 spec is a whole model saved by Keras 2 (tf.keras: model.save(\"NAME.h5\"))"

    private static func modelConfig(_ file: HDF5File) throws -> [UInt8] {
        guard case .group(let messages)? = try file.object(atPath: "") else {
            throw SpecError("cannot read the legacy Keras .h5 file: its root is not a group")
        }
        let attributes = try file.attributes(messages, what: "the root group")
        switch attributes["model_config"] {
        case .strings(let strings)? where strings.count == 1:
            return Array(strings[0].utf8)
        case .strings(let strings)?:
            throw SpecError(
                "the 'model_config' attribute holds \(strings.count) strings, expected one: the model's JSON; "
                    + "\(whatASpecIs)"
            )
        case .numbers?:
            throw SpecError(
                "the 'model_config' attribute holds numbers, expected a string: the model's JSON; \(whatASpecIs)")
        case nil:
            break
        }
        let links = try file.links(of: messages, what: "the root group").map(\.name)
        let holds: String
        if attributes["layer_names"] != nil || attributes["layer_names0"] != nil {
            holds = "it holds only weights (Keras 2's save_weights: 'layer_names' at its root)"
        } else if links.contains("model_weights") {
            holds = "it has a 'model_weights' group but not the architecture"
        } else if links.contains("layers") || links.contains("vars") {
            holds = "it holds only weights (Keras 3's save_weights: 'layers' and 'vars' groups)"
        } else {
            holds = "it holds no Keras model"
        }
        throw SpecError(
            "no 'model_config' attribute at the root of the .h5 file: \(holds); \(whatASpecIs), or Keras JSON "
                + "(model.to_json()) in NAME.model.json; a weights file can stay in a target named NAME.weights.h5, "
                + "which the build plugin does not take as a spec")
    }
}
