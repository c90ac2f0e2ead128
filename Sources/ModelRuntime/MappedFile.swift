import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file's bytes, memory-mapped where the platform allows (read in full otherwise). Weights
/// stored as aligned little-endian Float32 become tensors over the mapped pages themselves (no
/// copy; the pages are read from disk when first used and shared with the page cache); others
/// are decoded once, from the mapped pages into the tensor.
///
/// While any such tensor exists the file stays mapped (`MAP_PRIVATE`, read-only): the file must
/// not be truncated or rewritten in place meanwhile, as with any memory-mapped file.
final class MappedFile: @unchecked Sendable {
    private let base: UnsafeRawPointer?
    private let count: Int
    private let fallback: [UInt8]?

    /// Maps (or reads) the file at `url`; errors name the file.
    init(_ url: URL) throws {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
            let descriptor = open(url.path, O_RDONLY)
            guard descriptor >= 0 else {
                throw TensorFileError("cannot read the file: \(String(cString: strerror(errno)))", path: url.path)
            }
            defer { close(descriptor) }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                throw TensorFileError("cannot read the file: \(String(cString: strerror(errno)))", path: url.path)
            }
            guard status.st_mode & S_IFMT == S_IFREG else {
                throw TensorFileError("not a regular file", path: url.path)
            }
            let size = Int(status.st_size)
            if size > 0, let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), pointer != MAP_FAILED {
                base = UnsafeRawPointer(pointer)
                count = size
                fallback = nil
                return
            }
        #endif
        do { fallback = [UInt8](try Data(contentsOf: url)) } catch {
            throw TensorFileError("cannot read the file: \(error.localizedDescription)", path: url.path)
        }
        base = nil
        count = fallback?.count ?? 0
    }

    deinit {
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
            if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
        #endif
    }

    /// The file being read by ``withBytes(_:)``: tensors decoded from its mapped pages may use
    /// them in place (``Tensor/init(shape:decoding:format:)``).
    @TaskLocal static var current: MappedFile?

    /// Calls `body` with the file's bytes. The bytes are valid only during the call, but tensors
    /// made from them during the call with ``Tensor/init(shape:decoding:format:)`` keep the
    /// mapping alive.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let base {
            return try Self.$current.withValue(self) { try body(UnsafeRawBufferPointer(start: base, count: count)) }
        }
        return try (fallback ?? []).withUnsafeBytes(body)
    }

    /// Whether `bytes` lie inside the mapped pages (never true for a file read into memory).
    func maps(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base, let start = bytes.baseAddress else { return false }
        return start >= base && start + bytes.count <= base + count
    }

    /// Reads the file at `url` and calls `body` with its bytes; a `TensorFileError` thrown by
    /// `body` gets the file's path.
    static func read<R>(_ url: URL, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let file = try MappedFile(url)
        do { return try file.withBytes(body) } catch var error as TensorFileError {
            if error.path == nil { error.path = url.path }
            throw error
        }
    }
}

extension Tensor {
    /// A tensor of `shape` from its scalars stored in `format` at `raw`. Aligned native Float32
    /// inside the pages of the file being read (`MappedFile.current`) is used in place, read
    /// only, keeping the file mapped; anything else is decoded into storage of its own.
    init(shape: [Int], decoding raw: UnsafeRawBufferPointer, format: ScalarFormat) {
        let count = shape.reduce(1, *)
        if count > 0, format.isNativeFloat32, let file = MappedFile.current, file.maps(raw),
            let start = raw.baseAddress, Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0
        {
            precondition(raw.count == count * 4, "Tensor: \(raw.count) bytes for \(count) scalars")
            let scalars = start.bindMemory(to: Float.self, capacity: count)
            self.init(shape: shape, storage: TensorStorage(mapped: scalars, count: count, owner: file))
        } else {
            self.init(shape: shape) { out in format.decode(raw, count: count, into: out.baseAddress!) }
        }
    }
}
