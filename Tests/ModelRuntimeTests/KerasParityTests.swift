import Foundation
import ModelRuntime
import Testing

/// Generated models against Keras: outputs, configs and Keras JSON.
@Suite struct KerasParityTests {
    @Test(arguments: FixtureModel.all)
    func outputsMatchKeras(_ fixture: FixtureModel) throws {
        let weights = try Fixtures.weights(fixture.name)
        let inputs = try Fixtures.tensors(fixture.name, "input")
        let expected = try Fixtures.tensors(fixture.name, "output")
        let outputs = try fixture.run(weights, inputs)
        try #require(
            outputs.count == expected.count, "\(fixture.name): \(outputs.count) outputs, Keras has \(expected.count)")
        for (index, (output, keras)) in zip(outputs, expected).enumerated() {
            expectClose(output, keras, "\(fixture.name) output \(index)")
        }
    }

    @Test(arguments: FixtureModel.all)
    func kerasToJSONDecodesToTheGeneratedConfig(_ fixture: FixtureModel) throws {
        #expect(try fixture.configEquals(try Fixtures.spec(fixture.name)))
        // For hand-written specs, Keras's own to_json() of the loaded model, with every
        // default spelled out, must give the same typed config: our defaults are Keras's.
        let kerasJSON = Fixtures.url("\(fixture.name)/keras.json")
        if FileManager.default.fileExists(atPath: kerasJSON.path) {
            #expect(try fixture.configEquals(try String(contentsOf: kerasJSON, encoding: .utf8)))
        }
    }

    @Test(arguments: FixtureModel.all)
    func kerasJSONRoundTrips(_ fixture: FixtureModel) throws {
        #expect(try fixture.roundTrips())
    }

    /// Writes every fixture's `kerasJSON()` for `tools/check_keras_json.py`, which loads them
    /// in Keras; set `MODEL_GENERATOR_KERAS_JSON_EXPORT` to a folder to run it.
    @Test func exportKerasJSONForTheKerasCheck() throws {
        guard let folder = ProcessInfo.processInfo.environment["MODEL_GENERATOR_KERAS_JSON_EXPORT"] else { return }
        let directory = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for fixture in FixtureModel.all {
            // Layer cases (`layers/CASE`) become `layers--CASE.json`.
            let file = fixture.name.replacingOccurrences(of: "/", with: "--")
            try fixture.kerasJSON(1).write(
                to: directory.appendingPathComponent("\(file).json"),
                atomically: true, encoding: .utf8)
        }
        // Models saved with `model.save()` become `saved--NAME.json` (`saved--wild--unet.json`).
        for model in SavedModel.all {
            let file = "saved--" + model.name.replacingOccurrences(of: "/", with: "--")
            try model.kerasJSON().write(
                to: directory.appendingPathComponent("\(file).json"), atomically: true, encoding: .utf8)
        }
    }

    @Test(arguments: ActivationFunction.allCases)
    func activationMatchesKeras(_ function: ActivationFunction) throws {
        var tensor = try Fixtures.tensor("activations/input.npy")
        let expected = try Fixtures.tensor("activations/\(function.rawValue).npy")
        function.apply(to: &tensor)
        expectClose(tensor, expected, function.rawValue)
    }

    @Test func kerasAliasesMeanTheSameFunctions() throws {
        for (alias, function) in [("swish", ActivationFunction.silu), ("hard_swish", .hardSilu)] {
            var tensor = try Fixtures.tensor("activations/input.npy")
            function.apply(to: &tensor)
            expectClose(tensor, try Fixtures.tensor("activations/\(alias).npy"), alias)
            #expect(ActivationFunction(kerasName: alias) == function)
        }
    }
}
