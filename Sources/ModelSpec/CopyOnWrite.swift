/// A value kept behind one reference and copied only when it is changed while shared, the way
/// `Array` keeps its elements.
///
/// Generated models keep their layers in one (through `LayerTable`, and generated configs
/// their layers' configs through `LayerConfigTable`), so that a model is one reference
/// whatever its number of layers: copying, passing or returning a model copies no layer, and
/// a function that holds a model needs no stack for its layers. Changing a layer of a shared
/// model first copies the list of layers (their weights stay shared: tensors are
/// copy-on-write too).
public struct CopyOnWrite<Value> {
    @usableFromInline
    final class Box {
        @usableFromInline var value: Value

        @usableFromInline
        init(_ value: Value) { self.value = value }

        @usableFromInline
        init(copying other: Box) { value = other.value }
    }

    @usableFromInline
    var box: Box

    /// Keeps `value` behind a new reference.
    @inlinable
    public init(_ value: Value) { box = Box(value) }

    /// The value; changing it copies it first when another `CopyOnWrite` shares it.
    @inlinable
    public var value: Value {
        _read { yield box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(copying: box) }
            yield &box.value
        }
    }
}

// Safe for the same reason `Array` is: the box is changed only through `value`'s `_modify`,
// after a copy when anything else refers to it.
extension CopyOnWrite: @unchecked Sendable where Value: Sendable {}

extension CopyOnWrite: Equatable where Value: Equatable {
    /// Equal when they share their value or their values are equal.
    @inlinable
    public static func == (lhs: CopyOnWrite, rhs: CopyOnWrite) -> Bool {
        lhs.box === rhs.box || lhs.value == rhs.value
    }
}
