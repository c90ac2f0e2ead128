// Layer configs as Keras 3 reads legacy ones.

extension ModelSpecParser {
    /// A layer entry's config members as Keras 3 reads the config of an entry without
    /// `module` (Keras 2's files, and hand-written specs): its `model_from_config` turns an
    /// `axis` of one element into that integer, since Keras 2's BatchNormalization and
    /// LayerNormalization save `axis` as a list (`[1]`) where Keras 3 wants an integer.
    static func legacyLayerConfig(_ members: [JSONMember]) -> [JSONMember] {
        members.map { member in
            guard member.key == "axis", let elements = member.value.value.arrayElements, elements.count == 1,
                elements[0].value.intValue != nil
            else { return member }
            return JSONMember(key: member.key, at: member.keyLocation, value: elements[0])
        }
    }
}
