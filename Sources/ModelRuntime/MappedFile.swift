import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file's bytes, memory-mapped where the platform allows (read in full otherwise), so weight
/// readers copy each tensor's data once: from the mapped pages into the tensor.
final class MappedFile {
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

    /// Calls `body` with the file's bytes, valid only during the call.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let base { return try body(UnsafeRawBufferPointer(start: base, count: count)) }
        return try (fallback ?? []).withUnsafeBytes(body)
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
