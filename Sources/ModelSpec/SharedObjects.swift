// Keras's `shared_object_id`: what `model.save()` writes on an object serialized more than once.

extension ModelSpecParser {
    /// The spec with every `shared_object_id` removed.
    ///
    /// Keras's saving scope (`keras.saving.serialization_lib`) writes `"shared_object_id": N` into
    /// each serialized object (`{"class_name": …, "config": …}`) that it meets more than once: an
    /// initializer a recurrent layer shares with its cell, a dtype policy, a regularizer given to
    /// two layers. Every occurrence is the object's full config; the id only makes Keras's loader
    /// build one instance for all of them. Configs here are values, so equal configs are all the
    /// sharing there is, and the id is dropped (and not written back by `kerasJSON()`, which Keras
    /// loads the same without it). The id must be an integer, on an object with a `class_name`.
    static func removingSharedObjectIDs(_ node: JSONNode) throws(SpecError) -> JSONNode {
        try strippingSharedObjectIDs(node) ?? node
    }

    /// The node without `shared_object_id` keys, or nil when it has none.
    private static func strippingSharedObjectIDs(_ node: JSONNode) throws(SpecError) -> JSONNode? {
        switch node.value {
        case .array(let elements):
            var changed: [JSONNode]?
            for (index, element) in elements.enumerated() {
                guard let stripped = try strippingSharedObjectIDs(element) else { continue }
                if changed == nil { changed = elements }
                changed![index] = stripped
            }
            return changed.map { JSONNode(.array($0), at: node.location) }
        case .object(let members):
            var changed: [JSONMember]?
            for (index, member) in members.enumerated() {
                if member.key == "shared_object_id" {
                    guard member.value.value.intValue != nil else {
                        throw SpecError(
                            "expected an integer for 'shared_object_id', found \(member.value.value.kindDescription)",
                            at: member.value.location)
                    }
                    guard members.contains(where: { $0.key == "class_name" }) else {
                        throw SpecError(
                            "'shared_object_id' belongs to a serialized Keras object, one with a 'class_name'",
                            at: member.keyLocation)
                    }
                    if changed == nil { changed = Array(members[..<index]) }
                    continue
                }
                let stripped = try strippingSharedObjectIDs(member.value)
                if changed == nil, stripped != nil { changed = Array(members[..<index]) }
                if changed != nil {
                    changed!.append(
                        JSONMember(key: member.key, at: member.keyLocation, value: stripped ?? member.value))
                }
            }
            return changed.map { JSONNode(.object($0), at: node.location) }
        case .null, .bool, .number, .string:
            return nil
        }
    }
}
