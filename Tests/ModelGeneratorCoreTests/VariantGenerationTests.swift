import Foundation
import ModelSpec
import Testing
import _ModelGeneratorCore

/// Variants over specs in Keras 2's list form of `inbound_nodes` (found while fuzzing).
@Suite struct VariantGenerationTests {
    static let base = """
        {"class_name": "Functional", "config": {"name": "k2", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], "name": "x"}, "name": "x", \
        "inbound_nodes": []},
          {"class_name": "Dense", "config": {"name": "d1", "units": 3}, "name": "d1", "inbound_nodes": [[["x", 0, 0, \
        {}]]]},
          {"class_name": "Dense", "config": {"name": "d2", "units": 2}, "name": "d2", "inbound_nodes": [[["d1", 0, 0, \
        {}]]]}],
          "input_layers": [["x", 0, 0]], "output_layers": [["d2", 0, 0]]}}
        """

    @Test func anInsertedLayerIsReadByTheLayersAfterItInKeras2Form() throws {
        let variant =
            #"""
            {"base": "k2.model.json", "insert_after": {"names": ["d1"]}, "insert": {"class_name": "Dropout", \#
            "config": {"rate": 0.5}}}
            """#
        let file = try Generator.generateVariant(
            specAt: "k2_drop.variant.json", bytes: Array(variant.utf8), baseBytes: Array(Self.base.utf8),
            basePath: "k2.model.json", baseTypeName: "K2")
        #expect(file.contents.contains("let dropout = interceptor.call(self.dropout, reusing: consume d1, at: path)"))
        #expect(file.contents.contains("let d2 = interceptor.call(self.d2, reusing: consume dropout, at: path)"))
        #expect(file.contents.contains("init(sharingLayersOf base: K2, seed: UInt64? = nil) throws"))
    }

    @Test func aVariantMatchingNothingIsAnError() throws {
        let variant =
            #"""
            {"base": "k2.model.json", "insert_after": {"class_name": "Conv2D"}, "insert": {"class_name": "Dropout", \#
            "config": {"rate": 0.5}}}
            """#
        #expect(throws: SpecError.self) {
            try Generator.generateVariant(
                specAt: "none.variant.json", bytes: Array(variant.utf8), baseBytes: Array(Self.base.utf8),
                basePath: "k2.model.json", baseTypeName: "K2")
        }
    }
}
