import Foundation
import ModelRuntime
import Testing

/// One draw Keras made, summarized by `tools/make_fixtures.py`.
struct InitializerStatistics: Decodable, Sendable, CustomTestStringConvertible {
    let initializer: JSONValue
    let shape: [Int]
    let count: Int
    let mean: Double
    let variance: Double
    let min: Double
    let max: Double
    let gramMaxError: Double?

    enum CodingKeys: String, CodingKey {
        case initializer, shape, count, mean, variance, min, max
        case gramMaxError = "gram_max_error"
    }

    var testDescription: String {
        "\(initializer["class_name"]?.value.stringValue ?? "?") \(shape)"
    }

    static let all: [InitializerStatistics] = {
        let data = (try? Data(contentsOf: Fixtures.url("initializers.json"))) ?? Data()
        return (try? JSONDecoder().decode([InitializerStatistics].self, from: data)) ?? []
    }()
}

@Suite struct InitializerTests {
    @Test func fixturesArePresent() {
        #expect(InitializerStatistics.all.count >= 30)
    }

    /// Our draws have the statistics of Keras's draws (bounds, mean, variance).
    @Test(arguments: InitializerStatistics.all)
    func drawsMatchKerasStatistics(_ keras: InitializerStatistics) throws {
        let initializer = try SpecDecoder().decode(Initializer.self, from: JSONNode(keras.initializer))
        let values = initializer.sample(shape: keras.shape, seed: 42).scalars.map(Double.init)
        #expect(values.count == keras.count)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        let spread = keras.max - keras.min
        if spread == 0 {
            #expect(values.allSatisfy { $0 == keras.min }, "constant draw")
            return
        }
        let meanTolerance = 5 * (2 * keras.variance / Double(keras.count)).squareRoot()
        #expect(abs(mean - keras.mean) <= meanTolerance, "mean \(mean) vs Keras \(keras.mean)")
        #expect(
            abs(variance - keras.variance) <= 0.06 * keras.variance, "variance \(variance) vs Keras \(keras.variance)")
        #expect(abs(values.min()! - keras.min) <= 0.15 * spread, "min \(values.min()!) vs Keras \(keras.min)")
        #expect(abs(values.max()! - keras.max) <= 0.15 * spread, "max \(values.max()!) vs Keras \(keras.max)")
        if let bound = keras.gramMaxError, case .orthogonal(let gain, _) = initializer {
            let error = Self.gramError(values, shape: keras.shape, gain: gain)
            #expect(error <= max(bound * 10, 1e-5), "orthogonality error \(error)")
        }
    }

    /// max |WᵀW − gain²·I| over the smaller side, as the fixture script computes it.
    static func gramError(_ values: [Double], shape: [Int], gain: Double) -> Double {
        let rows = shape.dropLast().reduce(1, *)
        let columns = shape.last!
        let (outer, inner) = rows >= columns ? (columns, rows) : (rows, columns)
        func value(_ i: Int, _ k: Int) -> Double { rows >= columns ? values[k * columns + i] : values[i * columns + k] }
        var worst = 0.0
        for a in 0..<outer {
            for b in 0..<outer {
                var dot = 0.0
                for k in 0..<inner { dot += value(a, k) * value(b, k) }
                worst = Swift.max(worst, abs(dot - (a == b ? gain * gain : 0)))
            }
        }
        return worst
    }

    @Test func aSeedInTheConfigFixesTheValues() {
        let seeded = Initializer.heNormal(seed: 3)
        #expect(seeded.sample(shape: [4, 5], seed: 1) == seeded.sample(shape: [4, 5], seed: 2))
        let unseeded = Initializer.heNormal()
        #expect(unseeded.sample(shape: [4, 5], seed: 1) == unseeded.sample(shape: [4, 5], seed: 1))
        #expect(unseeded.sample(shape: [4, 5], seed: 1) != unseeded.sample(shape: [4, 5], seed: 2))
    }

    /// Philox4x32-10's published known-answer vectors (Random123's kat_vectors).
    @Test func philoxMatchesTheReferenceVectors() {
        let zero = Philox(seed: 0).block(0, 0, 0, 0)
        #expect([zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = Philox(seed: 0xFFFF_FFFF_FFFF_FFFF).block(0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF)
        #expect([ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
    }
}
