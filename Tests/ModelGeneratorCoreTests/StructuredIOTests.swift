import Foundation
import ModelSpec
import Testing
import _ModelGeneratorCore

/// Models built with dict inputs and outputs (`keras.Model({"a": x, …}, {"z": y, …})`): the
/// generated call takes Keras's keys as argument labels and returns them as tuple labels, and
/// the graph keeps the keys for `kerasJSON()`. Keras-saved models with dict I/O are compiled
/// and compared with Keras by the ModelRuntimeTests target (`wild/ticket_classifier_dict`).
@Suite struct StructuredIOTests {
    static func spec(inputs: String, outputs: String) -> String {
        """
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": [null, 3]}, \
        "inbound_nodes": []},
          {"class_name": "InputLayer", "name": "y", "config": {"name": "y", "batch_shape": [null, 3]}, \
        "inbound_nodes": []},
          {"class_name": "Add", "name": "add", "config": {"name": "add"}, "inbound_nodes": [{"args": [[
            {"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}},
            {"class_name": "__keras_tensor__", "config": {"keras_history": ["y", 0, 0]}}]], "kwargs": {}}]},
          {"class_name": "Dense", "name": "dense", "config": {"name": "dense", "units": 5}, "inbound_nodes": [{"args": [
            {"class_name": "__keras_tensor__", "config": {"keras_history": ["add", 0, 0]}}], "kwargs": {}}]}],
          "input_layers": \(inputs), "output_layers": \(outputs)}}
        """
    }

    static func generate(inputs: String, outputs: String) throws -> GeneratedFile {
        try Generator.generate(specAt: "m.model.json", bytes: Array(spec(inputs: inputs, outputs: outputs).utf8))
    }

    @Test func keysBecomeLabelsInSpecOrder() throws {
        // Keras's clone_model test: Model(dict(x=x, y=y), dict(z1=x + y, z2=Dense(5)(x + y))).
        let file = try Self.generate(
            inputs: #"{"y": ["y", 0, 0], "x": ["x", 0, 0]}"#,
            outputs: #"{"z1": ["add", 0, 0], "z2": ["dense", 0, 0]}"#)
        #expect(file.contents.contains("func callAsFunction(y: Tensor, x: Tensor) -> (z1: Tensor, z2: Tensor) {"))
        #expect(file.contents.contains("callAsFunction(y: y, x: x, intercepting: NoInterception())"))
        #expect(file.contents.contains(#"inputKeys: ["y", "x"],"#))
        #expect(file.contents.contains(#"outputKeys: ["z1", "z2"])"#))
    }

    @Test func keysAreSanitizedAndKeptApartFromTheInputNames() throws {
        let file = try Self.generate(
            inputs: #"{"class": ["x", 0, 0], "at": ["y", 0, 0]}"#,
            outputs: #"{"z-1": ["add", 0, 0], "z 1": ["dense", 0, 0]}"#)
        #expect(
            file.contents.contains(
                "func callAsFunction(classLayer x: Tensor, atLayer y: Tensor) -> (z1: Tensor, z12: Tensor) {"))
        #expect(file.contents.contains(#"inputKeys: ["class", "at"],"#))
    }

    @Test func listsHaveNoKeys() throws {
        let file = try Self.generate(inputs: #"[["x", 0, 0], ["y", 0, 0]]"#, outputs: #"[["dense", 0, 0]]"#)
        #expect(file.contents.contains("func callAsFunction(_ x: Tensor, _ y: Tensor) -> Tensor {"))
        #expect(!file.contents.contains("inputKeys"))
    }

    @Test func nestedStructuresAreRefused() throws {
        #expect {
            try Self.generate(inputs: #"{"pair": [["x", 0, 0], ["y", 0, 0]]}"#, outputs: #"[["dense", 0, 0]]"#)
        } throws: { error in
            "\(error)".contains("m.model.json:")
                && "\(error)".contains("'input_layers': 'pair' holds a nested structure")
        }
    }
}
