import Foundation
import Testing

@testable import ModelRuntime

/// The HDF5 reader against files h5py wrote in every layout it offers
/// (`tools/make_weight_file_fixtures.py`, `Tests/Fixtures/hdf5/expected.json`).
@Suite struct HDF5Tests {
    static let expected: [String: JSONValue] = {
        guard let data = try? Data(contentsOf: Fixtures.url("hdf5/expected.json")),
            let members = try? JSONReader.parse([UInt8](data)).value.objectMembers
        else { return [:] }
        return Dictionary(members.map { ($0.key, $0.value.value) }, uniquingKeysWith: { a, _ in a })
    }()

    /// Files the reader must read in full (all but the LZF filter and the extensible-array
    /// chunk index, which it refuses by name).
    static let readable = expected.keys.filter { $0 != "lzf.h5" && $0 != "latest_unlimited.h5" }.sorted()

    static func withFile<R>(_ name: String, _ body: (HDF5File) throws -> R) throws -> R {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.url("hdf5/\(name)")))
        return try bytes.withUnsafeBytes { try body(HDF5File($0)) }
    }

    @Test func everyVariantIsThere() {
        #expect(Self.expected.count == 17)
    }

    @Test(arguments: readable)
    func datasetsMatchWhatH5pyWrote(_ name: String) throws {
        let datasets = try #require(Self.expected[name]?["datasets"]?.value.objectMembers)
        let read = try Self.withFile(name) { try $0.datasets() }
        #expect(read.map(\.name).sorted() == datasets.map(\.key).sorted(), "\(name)")
        let byName = Dictionary(read.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for member in datasets {
            let entry = member.value.value
            let shape = entry["shape"]?.value.arrayElements?.compactMap { $0.value.intValue } ?? []
            guard let tensor = byName[member.key] else { continue }
            #expect(tensor.shape == shape, "\(name) \(member.key)")
            // Exactly the stored values (listed, or a fixture array such as
            // quick_start/weights_00.npy in its arrays.npz), converted to Float32 the way Python
            // converts them.
            let values: [Float]
            if let npy = entry["npy"]?.value.stringValue {
                values = try Fixtures.tensor(npy).scalars
            } else {
                values = try #require(entry["values"]?.value.arrayElements).compactMap { $0.value.doubleValue }.map {
                    Float($0)
                }
            }
            #expect(tensor.scalars == values, "\(name) \(member.key)")
        }
    }

    @Test(arguments: ["attributes.h5", "latest.h5", "keras_like_latest.h5"])
    func attributesMatchWhatH5pyWrote(_ name: String) throws {
        let objects = try #require(Self.expected[name]?["attributes"]?.value.objectMembers)
        try Self.withFile(name) { file in
            for object in objects {
                let path = object.key == "/" ? "" : object.key
                let messages: [HDF5File.Message]
                switch try file.object(atPath: path) {
                case .group(let m)?, .dataset(let m)?: messages = m
                case nil:
                    Issue.record("\(name): no object at \(path)")
                    continue
                }
                let read = try file.attributes(messages, what: path)
                for attribute in object.value.value.objectMembers ?? [] {
                    let entry = attribute.value.value
                    let value = try #require(entry["value"]?.value)
                    let label = "\(name) \(object.key) @\(attribute.key)"
                    switch entry["kind"]?.value.stringValue {
                    case "numeric":
                        let numbers =
                            value.arrayElements.map { $0.compactMap { $0.value.doubleValue } } ?? [
                                value.doubleValue ?? .nan
                            ]
                        guard case .numbers(_, let scalars)? = read[attribute.key] else {
                            Issue.record("\(label): not numbers")
                            continue
                        }
                        #expect(scalars == numbers.map { Float($0) }, "\(label)")
                    default:
                        let strings =
                            value.arrayElements.map { $0.compactMap { $0.value.stringValue } } ?? [
                                value.stringValue ?? ""
                            ]
                        #expect(read[attribute.key] == .strings(strings), "\(label)")
                    }
                }
            }
        }
    }

    @Test func unsupportedFiltersNameTheFilter() throws {
        #expect {
            try Self.withFile("lzf.h5") { try $0.datasets() }
        } throws: { error in
            "\(error)".contains("filter 32000 (lzf)") && "\(error)".contains("lzf_f4")
        }
    }

    @Test func unlimitedDimensionsNameTheChunkIndex() throws {
        #expect {
            try Self.withFile("latest_unlimited.h5") { try $0.datasets() }
        } throws: { error in
            "\(error)".contains("dataset 'unlimited': chunks indexed by a extensible array are not supported")
        }
    }

    @Test func superblockVersionsAreTheOnesH5pyWrote() throws {
        for name in Self.readable {
            let version = try #require(Self.expected[name]?["superblock_version"]?.value.intValue)
            #expect(try Self.withFile(name) { $0.superblockVersion } == version, "\(name)")
        }
    }
}
