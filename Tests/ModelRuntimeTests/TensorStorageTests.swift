import Foundation
import Testing

@testable import ModelRuntime

/// The storage behind tensors: aligned pooled blocks, copy-on-write, and weights used in place
/// from the pages of a mapped file.
@Suite struct TensorStorageTests {
    static func address(_ tensor: Tensor) -> Int {
        tensor.withUnsafeScalars { Int(bitPattern: $0.baseAddress) }
    }

    @Test func sizeClassesHoldTheRequestWithLittleToSpare() {
        for bytes in [0, 1, 63, 64, 65, 4000, 4096, 4097, 5000, 65_536, 100_000, 1 << 20, 3_211_264, 102_760_448] {
            let size = ScalarPool.sizeClass(bytes)
            #expect(size >= bytes && size % ScalarPool.alignment == 0, "\(bytes) → \(size)")
            if bytes > 4096 { #expect(Double(size) <= Double(bytes) * 1.125, "\(bytes) → \(size)") }
        }
        // One class for close sizes, so buffers of similar tensors are reused.
        #expect(ScalarPool.sizeClass(100_000) == ScalarPool.sizeClass(100_100))
    }

    @Test func aPoolReusesBlocksUpToItsLimit() {
        let pool = ScalarPool(cacheLimit: 3 * 8192)
        let (first, size) = pool.take(byteCount: 8000)
        #expect(Int(bitPattern: first) % ScalarPool.alignment == 0)
        pool.recycle(first, byteCount: size)
        #expect(pool.freeBytes == size)
        let (again, _) = pool.take(byteCount: 7990)
        #expect(again == first, "a block of the same class is reused")
        #expect(pool.freeBytes == 0)
        let blocks = (0..<4).map { _ in pool.take(byteCount: 8000) } + [(again, size)]
        for (block, size) in blocks { pool.recycle(block, byteCount: size) }
        #expect(pool.freeBytes == 3 * size, "beyond the limit blocks go back to the system")
        pool.trim()
        #expect(pool.freeBytes == 0)
    }

    @Test func aRequestTakesTheSmallestFreeBlockWithinSixteenTimesItsSize() {
        let pool = ScalarPool(cacheLimit: 1 << 30)
        defer { pool.trim() }
        let (large, largeSize) = pool.take(byteCount: 1 << 20)
        let (medium, mediumSize) = pool.take(byteCount: 1 << 19)
        pool.recycle(large, byteCount: largeSize)
        pool.recycle(medium, byteCount: mediumSize)
        let (first, firstSize) = pool.take(byteCount: 300_000)
        #expect(first == medium && firstSize == mediumSize, "the smallest block that fits")
        let (second, secondSize) = pool.take(byteCount: 300_000)
        #expect(second == large && secondSize == largeSize, "then the next, within sixteen times the request")
        pool.recycle(first, byteCount: firstSize)
        #expect(ScalarPool.reuseFactor == 16)
        let (small, smallSize) = pool.take(byteCount: 20_000)
        #expect(small != first && smallSize == ScalarPool.sizeClass(20_000), "a block over sixteen times is left")
        pool.recycle(small, byteCount: smallSize)
        pool.recycle(second, byteCount: secondSize)
        #expect(pool.freeBytes == smallSize + mediumSize + largeSize)
    }

    /// The blocks of tensors that went away stay with the pool until released. The block here
    /// (200 MiB, never written, so never resident) is larger than any other test's request can
    /// take, so tests running beside this one cannot change what it sees.
    @Test func cachedMemoryIsReleasedOnRequest() {
        let count = 50 << 20
        var first = 0
        do {
            let large = Tensor(shape: [count]) { _ in }
            first = Self.address(large)
        }
        #expect(ScalarPool.shared.freeBytes >= count * 4, "the block is kept")
        do {
            let again = Tensor(shape: [count]) { _ in }
            #expect(Self.address(again) == first, "and reused")
        }
        Tensor.releaseCachedMemory()
        #expect(ScalarPool.shared.freeBytes < count * 4, "and handed back")
    }

    @Test func scalarsAreAlignedAndCopiedOnlyWhenShared() {
        var a = Tensor(shape: [3, 5], scalars: (0..<15).map(Float.init))
        #expect(Self.address(a) % 64 == 0)
        let before = Self.address(a)
        a.withUnsafeMutableScalars { $0[0] = 100 }
        #expect(Self.address(a) == before, "a tensor that owns its storage is written in place")
        let b = a
        #expect(a.sharesStorage(with: b))
        a.withUnsafeMutableScalars { $0[1] = 200 }
        #expect(!a.sharesStorage(with: b) && Self.address(b) == before)
        #expect(b.scalars[0] == 100 && b.scalars[1] == 1 && a.scalars[1] == 200)
        let reshaped = b.reshaped(to: [15])
        #expect(reshaped.sharesStorage(with: b) && reshaped.scalars == b.scalars)
        #expect(!b.independentCopy().sharesStorage(with: b) && b.independentCopy() == b)
        #expect(!Tensor(shape: [0], scalars: []).sharesStorage(with: Tensor(shape: [0], scalars: [])))
    }

    @Test func equalityComparesScalarsAndNaNIsEqualOnlyToItsOwnStorage() {
        let nan = Tensor(shape: [2], scalars: [1, .nan])
        #expect(nan == nan)
        #expect(nan != Tensor(shape: [2], scalars: [1, .nan]))
        #expect(Tensor(shape: [2], scalars: [1, 2]) == Tensor(shape: [2], scalars: [1, 2]))
        #expect(Tensor(shape: [2, 1], scalars: [1, 2]) != Tensor(shape: [2], scalars: [1, 2]))
    }

    /// Fresh weights are drawn the first time they are used, with the values an eager draw
    /// gives; threads that use one at the same time see the same values.
    @Test func freshWeightsAreDrawnOnFirstUse() throws {
        let model = Siamese(seed: 5)
        let kernel = model.weights[0]
        #expect(!kernel.isFilled && !model.clone().weights[0].isFilled, "init(seed:) and clone() draw nothing")
        let generator = Philox(seed: 99)
        let lazy = generator.tensor(.normal, shape: [300, 400])
        let eager = Tensor(shape: [300, 400]) { generator.fill(.normal, scale: 1, shift: 0, into: $0) }
        #expect(!lazy.isFilled)
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: 8)
        defer { sums.deallocate() }
        nonisolated(unsafe) let results = sums
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            results[index] = lazy.withUnsafeScalars { $0.reduce(0) { $0 + Double($1) } }
        }
        #expect(lazy.isFilled && Set(sums).count == 1)
        #expect(lazy == eager)
        // A weight read through the model is drawn, the same as another model of that seed.
        #expect(model.weights[0] == Siamese(seed: 5).weights[0] && kernel.isFilled)
        // Writing a weight no one has read draws it first (the untouched values stay).
        var written = Siamese(seed: 5).weights[0]
        written.withUnsafeMutableScalars { $0[0] = 7 }
        #expect(written.scalars.dropFirst() == kernel.scalars.dropFirst())
    }

    /// Weights read from a `.safetensors` file are the file's mapped pages, not copies: each
    /// tensor's scalars sit at its offset in the file, and writing one copies it first.
    @Test func safetensorsWeightsAreTheMappedPages() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("siamese.safetensors")
        let saved = Siamese(seed: 5)
        try saved.saveWeights(to: url)
        var model = Siamese(seed: 6)
        try model.loadWeights(from: url)
        #expect(model.weights == saved.weights)
        let weights = model.weights
        #expect(weights.allSatisfy { $0.isMapped }, "every weight of an aligned float32 file is used in place")
        #expect(!saved.weights.contains { $0.isMapped })

        // The file's own layout: tensor k at dataStart + offset_k, in the header's order.
        let bytes = [UInt8](try Data(contentsOf: url))
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONReader.parse(Array(bytes[8..<(8 + headerLength)])).value
        let paths = model.kerasWeightPaths.map(\.path)
        let offsets = try paths.map { path in
            try #require(header[path]?.value["data_offsets"]?.value.arrayElements?.first?.value.intValue)
        }
        let firstAddress = Self.address(weights[0]) - offsets[0]
        for (index, weight) in weights.enumerated() {
            #expect(Self.address(weight) - offsets[index] == firstAddress, "\(paths[index]) is not at its file offset")
        }

        // Writing a mapped weight copies it; the file and the other mapped weights are untouched.
        var changed = weights
        changed[0].withUnsafeMutableScalars { $0[0] += 1 }
        #expect(!changed[0].isMapped && changed[1].isMapped)
        #expect(weights[0] == saved.weights[0])
        #expect(try Data(contentsOf: url) == Data(bytes))
    }

    /// Keras's own files: `model.save()` stores the weights file in the `.keras` archive without
    /// compression, and h5py writes float32 datasets contiguous and aligned, so the weights of
    /// both are the mapped pages too, and give Keras's outputs.
    @Test func kerasSavedWeightsAreTheMappedPagesToo() throws {
        let archive = try QuickStart(contentsOf: Fixtures.url("quick_start/model.keras"))
        var weightsFile = QuickStart(seed: 1)
        try weightsFile.loadWeights(from: Fixtures.url("quick_start/model.weights.h5"))
        for model in [archive, weightsFile] {
            #expect(model.weights.allSatisfy { $0.isMapped })
            expectClose(
                model(try Fixtures.tensor("quick_start/input.npy")), try Fixtures.tensor("quick_start/output.npy"),
                "quick_start")
        }
    }

    /// The same weights decoded from a file read into memory (not mapped) are copies.
    @Test func weightsFromBytesInMemoryAreCopies() throws {
        let model = Siamese(seed: 5)
        let named = zip(model.kerasWeightPaths, model.weights).map { NamedTensor(name: $0.path, tensor: $1) }
        let bytes = try WeightFileFormat.safetensors.write(named)
        let read = try WeightFileFormat.safetensors.read(bytes)
        #expect(read.map(\.tensor) == model.weights)
        #expect(!read.contains { $0.tensor.isMapped })
    }
}
