/// Writes tensors as an HDF5 file that Keras's `load_weights` (and h5py) read: superblock
/// version 2, version 2 object headers with Jenkins lookup3 checksums, groups as link messages,
/// contiguous little-endian float32 datasets. Paths such as `layers/dense/vars/0` create the
/// groups on the way. The bytes depend only on the tensors (no times, deterministic order).
enum HDF5Writer {
    private final class Group {
        var groups: [(String, Group)] = []
        var datasets: [(String, Tensor)] = []

        func group(_ name: String) -> Group {
            if let existing = groups.first(where: { $0.0 == name }) { return existing.1 }
            let created = Group()
            groups.append((name, created))
            return created
        }
    }

    static let undefined = UInt64.max

    static func write(_ tensors: [NamedTensor]) throws -> [UInt8] {
        let root = Group()
        var seen: Set<String> = []
        for item in tensors {
            let components = item.name.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            guard let last = components.last, seen.insert(components.joined(separator: "/")).inserted else {
                throw TensorFileError("cannot write '\(item.name)' to HDF5: the path is empty or used twice")
            }
            var group = root
            for component in components.dropLast() {
                guard !group.datasets.contains(where: { $0.0 == component }) else {
                    throw TensorFileError("cannot write '\(item.name)' to HDF5: '\(component)' is a dataset")
                }
                group = group.group(component)
            }
            guard !group.groups.contains(where: { $0.0 == last }) else {
                throw TensorFileError("cannot write '\(item.name)' to HDF5: it is a group")
            }
            group.datasets.append((last, item.tensor))
        }
        var out = [UInt8](repeating: 0, count: 48)  // the superblock, written last
        let rootAddress = writeGroup(root, into: &out)
        // Superblock version 2: signature, version, offset and length sizes, flags, base
        // address, extension address, end of file, root object header, checksum.
        var superblock = HDF5File.signature + [2, 8, 8, 0]
        append64(0, to: &superblock)
        append64(undefined, to: &superblock)
        append64(UInt64(out.count), to: &superblock)
        append64(rootAddress, to: &superblock)
        append32(Lookup3.hash(superblock), to: &superblock)
        out.replaceSubrange(0..<48, with: superblock)
        return out
    }

    private static func writeGroup(_ group: Group, into out: inout [UInt8]) -> UInt64 {
        var links: [(String, UInt64)] = []
        for (name, tensor) in group.datasets { links.append((name, writeDataset(tensor, into: &out))) }
        for (name, child) in group.groups { links.append((name, writeGroup(child, into: &out))) }
        // Link info (no dense storage, no creation order), group info, one link per member.
        var linkInfo: [UInt8] = [0, 0]
        append64(undefined, to: &linkInfo)
        append64(undefined, to: &linkInfo)
        var messages: [(UInt8, [UInt8])] = [(0x02, linkInfo), (0x0A, [0, 0])]
        for (name, address) in links.sorted(by: { $0.0 < $1.0 }) {
            let bytes = Array(name.utf8)
            // Version 1; flags: 2-byte name length, character set present (UTF-8).
            var link: [UInt8] = [1, 0x01 | 0x10, 1]
            append16(UInt16(bytes.count), to: &link)
            link += bytes
            append64(address, to: &link)
            messages.append((0x06, link))
        }
        return writeObjectHeader(messages, into: &out)
    }

    private static func writeDataset(_ tensor: Tensor, into out: inout [UInt8]) -> UInt64 {
        // The data first, 8-byte aligned.
        while out.count % 8 != 0 { out.append(0) }
        let dataAddress = tensor.scalarCount == 0 ? undefined : UInt64(out.count)
        out.reserveCapacity(out.count + tensor.scalarCount * 4 + 256)
        tensor.withUnsafeScalars { scalars in
            for value in scalars { append32(value.bitPattern, to: &out) }
        }
        // Dataspace version 2 (scalar for rank 0, simple otherwise, no maximum dimensions).
        var dataspace: [UInt8] = [2, UInt8(tensor.rank), 0, tensor.rank == 0 ? 0 : 1]
        for dim in tensor.shape { append64(UInt64(dim), to: &dataspace) }
        // Datatype version 1, floating point: little-endian, implied mantissa bit, sign at
        // bit 31, 4 bytes; 32 bits at offset 0, exponent 8 bits at 23, mantissa 23 bits at 0,
        // bias 127.
        var datatype: [UInt8] = [0x11, 0x20, 31, 0]
        append32(4, to: &datatype)
        datatype += [0, 0, 32, 0, 23, 8, 0, 23]
        append32(127, to: &datatype)
        // Fill value version 3: allocated late, written if set, no value defined.
        let fillValue: [UInt8] = [3, 0x02 | 0x08]
        // Layout version 3, contiguous: address and size.
        var layout: [UInt8] = [3, 1]
        append64(dataAddress, to: &layout)
        append64(UInt64(tensor.scalarCount * 4), to: &layout)
        return writeObjectHeader([(0x01, dataspace), (0x03, datatype), (0x05, fillValue), (0x08, layout)], into: &out)
    }

    /// A version 2 object header holding `messages`; returns its address.
    private static func writeObjectHeader(_ messages: [(UInt8, [UInt8])], into out: inout [UInt8]) -> UInt64 {
        while out.count % 8 != 0 { out.append(0) }
        let address = UInt64(out.count)
        var body: [UInt8] = []
        for (type, data) in messages {
            body.append(type)
            append16(UInt16(data.count), to: &body)
            body.append(0)  // message flags
            body += data
        }
        // "OHDR", version 2, flags: a 4-byte chunk size, no times, no attribute phase values.
        var header: [UInt8] = Array("OHDR".utf8) + [2, 0x02]
        append32(UInt32(body.count), to: &header)
        header += body
        append32(Lookup3.hash(header), to: &header)
        out += header
        return address
    }

    private static func append16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    private static func append32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }

    private static func append64(_ value: UInt64, to bytes: inout [UInt8]) {
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
}
