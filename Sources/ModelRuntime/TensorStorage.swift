import Foundation

/// The memory behind a tensor's scalars: a 64-byte aligned block from `ScalarPool`, returned to
/// the pool when the last tensor using it goes away, or a read-only region of a memory-mapped
/// weight file, which stays mapped while any tensor uses it.
///
/// A storage is shared by copies of a tensor and never written while shared: `Tensor` copies it
/// first (copy-on-write), and always copies a mapped one before writing.
///
/// A pooled block may be filled lazily: fresh weights are drawn from their seed the first time
/// anything reads or writes them (`ready()`, which every access through `Tensor` calls first),
/// so a model or clone whose weights are replaced or never used never draws them.
final class TensorStorage: @unchecked Sendable {
    /// The first scalar; read or write only after `ready()`.
    let base: UnsafeMutablePointer<Float>
    /// The number of scalars.
    let count: Int
    private let origin: Origin
    /// Set for a lazily filled block: guards `pendingFill`.
    private let fillLock: NSLock?
    /// The fill not run yet, if any.
    private var pendingFill: (@Sendable (UnsafeMutableBufferPointer<Float>) -> Void)?

    private enum Origin {
        /// A block of `ScalarPool.shared` of `byteCount` bytes.
        case pooled(byteCount: Int)
        /// Mapped file pages, kept mapped by `owner`; never written.
        case mapped(owner: AnyObject)
    }

    /// Uninitialized storage for `count` scalars, from the pool.
    init(uninitializedCount count: Int) {
        let (block, byteCount) = ScalarPool.shared.take(byteCount: count * MemoryLayout<Float>.stride)
        base = block.bindMemory(to: Float.self, capacity: max(count, 1))
        self.count = count
        origin = .pooled(byteCount: byteCount)
        fillLock = nil
    }

    /// Storage for `count` scalars that `fill` writes (all of them) when they are first used.
    init(count: Int, lazilyFilledBy fill: @escaping @Sendable (UnsafeMutableBufferPointer<Float>) -> Void) {
        let (block, byteCount) = ScalarPool.shared.take(byteCount: count * MemoryLayout<Float>.stride)
        base = block.bindMemory(to: Float.self, capacity: max(count, 1))
        self.count = count
        origin = .pooled(byteCount: byteCount)
        fillLock = NSLock()
        pendingFill = fill
    }

    /// Storage for the `count` scalars at `base`, inside memory that `owner` keeps mapped.
    init(mapped base: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.base = UnsafeMutablePointer(mutating: base)
        self.count = count
        origin = .mapped(owner: owner)
        fillLock = nil
    }

    /// Makes sure the scalars are written: runs a pending lazy fill, once, on the first caller
    /// (others wait for it). Free for storage that was never lazy.
    @inline(__always) func ready() {
        if let fillLock { materialize(fillLock) }
    }

    /// Whether the scalars are written (false only before a lazy fill has run).
    var isFilled: Bool {
        guard let fillLock else { return true }
        fillLock.lock()
        defer { fillLock.unlock() }
        return pendingFill == nil
    }

    private func materialize(_ lock: NSLock) {
        lock.lock()
        defer { lock.unlock() }
        guard let fill = pendingFill else { return }
        pendingFill = nil
        fill(UnsafeMutableBufferPointer(start: base, count: count))
    }

    deinit {
        if case .pooled(let byteCount) = origin {
            ScalarPool.shared.recycle(UnsafeMutableRawPointer(base), byteCount: byteCount)
        }
    }

    /// Whether the scalars are pages of a mapped file, which are never written in place.
    var isMapped: Bool {
        if case .mapped = origin { return true }
        return false
    }

    /// New pooled storage holding the same scalars.
    func copy() -> TensorStorage {
        ready()
        let copy = TensorStorage(uninitializedCount: count)
        copy.base.update(from: base, count: count)
        return copy
    }
}

/// Blocks of scalar memory for tensors, kept after their last tensor goes away so that the next
/// tensor of a similar size reuses them (already faulted in) instead of asking the system for
/// fresh pages: a forward pass that frees each intermediate after its last use then runs in the
/// buffers of the pass before it.
///
/// Sizes are rounded up to a class: multiples of 64 bytes up to 4 KiB, then eight classes per
/// power of two (at most 12.5% over the request). A request takes the smallest free block of
/// its class or a larger one up to `reuseFactor` times its size, so the blocks of a network's
/// large early activations serve its smaller later ones instead of staying idle beside new
/// blocks. Free blocks are kept up to `cacheLimit` bytes in all; beyond it they go back to the
/// system. Thread-safe.
final class ScalarPool: @unchecked Sendable {
    static let shared = ScalarPool(cacheLimit: 512 << 20)

    /// Every block's alignment, a cache line (and an AVX-512 vector).
    static let alignment = 64

    /// A request may take a free block up to this many times its size class: a free block is
    /// resident whether it idles or not, so lending it beats faulting in a new one (16 against
    /// 4: a ResNet50 call's peak about 1 MB lower, BENCHMARKS.md).
    static let reuseFactor = 16

    /// The most bytes the free blocks may hold together.
    let cacheLimit: Int
    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    /// The sizes that have free blocks, ascending.
    private var sizes: [Int] = []
    private var cachedBytes = 0

    init(cacheLimit: Int) {
        self.cacheLimit = cacheLimit
    }

    /// The size class of a request of `byteCount` bytes: what a block for it really holds.
    static func sizeClass(_ byteCount: Int) -> Int {
        let bytes = max(byteCount, alignment)
        if bytes <= 4096 { return (bytes + alignment - 1) / alignment * alignment }
        let step = (1 << (Int.bitWidth - 1 - bytes.leadingZeroBitCount)) / 8
        return (bytes + step - 1) / step * step
    }

    /// A block of at least `byteCount` bytes, 64-byte aligned, and its size (to recycle it with).
    func take(byteCount: Int) -> (UnsafeMutableRawPointer, Int) {
        let size = Self.sizeClass(byteCount)
        lock.lock()
        // The smallest free size that fits, if it is within `reuseFactor` of the request.
        var low = 0
        var high = sizes.count
        while low < high {
            let middle = (low + high) / 2
            if sizes[middle] < size { low = middle + 1 } else { high = middle }
        }
        if low < sizes.count, sizes[low] <= size * Self.reuseFactor {
            let found = sizes[low]
            let block = free[found]!.removeLast()
            if free[found]!.isEmpty {
                free[found] = nil
                sizes.remove(at: low)
            }
            cachedBytes -= found
            lock.unlock()
            return (block, found)
        }
        lock.unlock()
        return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment), size)
    }

    /// Gives back a block that `take` returned with size `byteCount`.
    func recycle(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        lock.lock()
        if cachedBytes + byteCount <= cacheLimit {
            if free[byteCount] == nil {
                free[byteCount] = []
                sizes.insert(byteCount, at: sizes.firstIndex { $0 > byteCount } ?? sizes.count)
            }
            free[byteCount]!.append(block)
            cachedBytes += byteCount
            lock.unlock()
            return
        }
        lock.unlock()
        block.deallocate()
    }

    /// A scratch buffer of `count` scalars, uninitialized, from the free blocks when one fits;
    /// give it back with `recycle(_:)`.
    func scratch(count: Int) -> Scratch {
        let (block, byteCount) = take(byteCount: count * MemoryLayout<Float>.stride)
        let base = block.bindMemory(to: Float.self, capacity: max(count, 1))
        return Scratch(buffer: UnsafeMutableBufferPointer(start: base, count: count), byteCount: byteCount)
    }

    /// Gives back a buffer `scratch(count:)` returned.
    func recycle(_ scratch: Scratch) {
        recycle(UnsafeMutableRawPointer(scratch.buffer.baseAddress!), byteCount: scratch.byteCount)
    }

    /// A pooled block lent as scratch: its scalars and the block's size.
    struct Scratch {
        let buffer: UnsafeMutableBufferPointer<Float>
        let byteCount: Int
    }

    /// The bytes the free blocks hold now.
    var freeBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return cachedBytes
    }

    /// Returns every free block to the system.
    func trim() {
        lock.lock()
        let blocks = free.values.flatMap { $0 }
        free = [:]
        sizes = []
        cachedBytes = 0
        lock.unlock()
        for block in blocks { block.deallocate() }
    }
}
