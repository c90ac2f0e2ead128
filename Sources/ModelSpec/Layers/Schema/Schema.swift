// The schema of the built-in layer configs: each Keras field written once (key, Swift type,
// Keras default, doc), from which `ConfigEmitter` writes the config structs of
// `Sources/ModelSpec/Layers/Generated`: their stored properties, their `fields` table and their
// memberwise initializer. Everything a layer does (validation, shapes, weights) stays
// hand-written beside them, in extensions.

/// One field of a layer config: a stored property, an initializer parameter and (usually) a
/// row of the config's `fields` table, under a Keras key.
package struct FieldSchema: Sendable {
    /// The Keras key (`use_bias`); nil for a stored property Keras never writes.
    package var key: String?
    /// The Swift property (`useBias`): the key in lower camel case unless given.
    package var property: String
    /// The initializer's label: the key in lower camel case (what generated code spells).
    package var label: String
    /// The stored Swift type.
    package var type: String
    /// The initializer parameter's type, when it takes another type than the stored one.
    package var parameterType: String?
    /// The initializer's default, as a Swift expression (Keras's default); nil: no default.
    package var defaultValue: String?
    /// Whether a spec must give it: nil (no), `"true"`, or an expression over the generic
    /// parameters.
    package var required: String?
    /// The property's documentation.
    package var doc: String
    /// What the initializer stores, in terms of the parameter (default: the parameter).
    package var stored: String?
    /// The `fields` table lists the field only when this expression holds.
    package var condition: String?
    /// The rank (a Swift expression) a single size decoded is written out to, for a field of
    /// one size per spatial axis.
    package var rank: String?
    /// The table reads and writes another key path when `condition` holds (a scalar spelling).
    package var alternate: (condition: String, keyPath: String)?

    /// A field under `key`, stored as `type`.
    package init(
        _ key: String?, _ type: String, default defaultValue: String? = nil, required: String? = nil,
        property: String? = nil, _ doc: String
    ) {
        let label = key.map(Self.camelCase) ?? property ?? ""
        self.key = key
        self.label = label
        self.property = property ?? label
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.doc = doc
    }

    /// A field a spec must give (Keras has no default for it).
    package static func required(_ key: String, _ type: String, _ doc: String) -> Self {
        Self(key, type, required: "true", doc)
    }

    /// A field with Keras's default `value`.
    package static func optional(_ key: String, _ type: String, _ value: String, _ doc: String) -> Self {
        Self(key, type, default: value, doc)
    }

    /// The same field, stored as `expression` of the parameter (`kernelSize.expanded(to: 2)`).
    package func stored(as expression: String) -> Self {
        var copy = self
        copy.stored = expression
        return copy
    }

    /// The same field, its parameter of another type than the stored one.
    package func parameter(_ type: String) -> Self {
        var copy = self
        copy.parameterType = type
        return copy
    }

    /// The same field, listed in the `fields` table only when `condition` holds.
    package func only(when condition: String) -> Self {
        var copy = self
        copy.condition = condition
        return copy
    }

    /// The same field, read and written through `keyPath` when `condition` holds.
    package func spelled(as keyPath: String, when condition: String) -> Self {
        var copy = self
        copy.alternate = (condition, keyPath)
        return copy
    }

    /// `use_bias` → `useBias`, as `ConfigField.label(forKey:)` spells it (written again here
    /// because tools/generate-layer-configs.sh compiles the schema alone; LayerSchemaTests
    /// checks that the two agree).
    static func camelCase(_ key: String) -> String {
        var result = ""
        var upper = false
        for character in key {
            if character == "_" {
                upper = true
            } else {
                result += upper ? character.uppercased() : String(character)
                upper = false
            }
        }
        return result
    }
}

/// One layer config struct.
package struct ConfigSchema: Sendable {
    /// How the config names its Keras class.
    package enum ClassName: Sendable {
        /// A fixed name (`Dense`).
        case keras(String)
        /// A Swift expression over the generic parameters (`"Conv" + Rank.suffix`).
        case computed(String)
        /// Declared by hand (in an extension).
        case handWritten
    }

    /// The struct's name with its generic parameters (`ConvConfig<Rank: SpatialRank>`).
    package var declaration: String
    /// The protocols it conforms to.
    package var conformances: [String]
    /// The struct's documentation.
    package var doc: String
    /// Its Keras class name.
    package var className: ClassName
    /// Keras's defaults with every required field filled (`DenseConfig(units: 1)`); nil when a
    /// protocol supplies it.
    package var template: String?
    /// Keys Keras writes that the config does not keep, each with the only value it accepts
    /// (a Swift expression of a `JSONValue`).
    package var ignoredKeys: [(key: String, value: String)]
    /// The initializer's documentation.
    package var initDoc: String
    /// Whether the config declares its `fields` table (false: a protocol supplies it).
    package var declaresTable: Bool
    /// The keys in the order Keras writes them, when it is not the order of `fields`.
    package var kerasOrder: [String]?
    /// The fields, in the order of the stored properties and the initializer.
    package var fields: [FieldSchema]
    /// The runtime layer type built from this config alone, if any (its `config` is this
    /// struct).
    package var runtime: RuntimeLayerSchema?

    /// A config struct.
    package init(
        _ declaration: String, _ conformances: [String], doc: String, className: ClassName,
        template: String?, ignoredKeys: [(key: String, value: String)] = [], initDoc: String,
        declaresTable: Bool = true,
        kerasOrder: [String]? = nil, fields: [FieldSchema], runtime: RuntimeLayerSchema? = nil
    ) {
        self.declaration = declaration
        self.conformances = conformances
        self.doc = doc
        self.className = className
        self.template = template
        self.ignoredKeys = ignoredKeys
        self.initDoc = initDoc
        self.declaresTable = declaresTable
        self.kerasOrder = kerasOrder
        self.fields = fields
        self.runtime = runtime.map { $0.built(from: Self.typeName(of: declaration)) }
    }

    /// The struct's name without generic parameters.
    package var name: String { String(declaration.prefix { $0 != "<" }) }
    /// Whether it has generic parameters (statics are then computed).
    package var isGeneric: Bool { declaration.contains("<") }

    /// The type a declaration names, its generic parameters without their constraints:
    /// `PoolingConfig<Rank: SpatialRank, Mode: PoolingMode>` → `PoolingConfig<Rank, Mode>`.
    static func typeName(of declaration: String) -> String {
        guard let open = declaration.firstIndex(of: "<") else { return declaration }
        let parameters = declaration[declaration.index(after: open)...].dropLast().split(separator: ",").map {
            String($0.prefix { $0 != ":" }.filter { $0 != " " })
        }
        return declaration[..<open] + "<" + parameters.joined(separator: ", ") + ">"
    }
}

/// One built-in layer type of ModelRuntime: what it stores and how it is built. From it
/// `RuntimeLayerEmitter` writes the type's declaration in `Sources/ModelRuntime/Layers/Generated`
/// (its config, shapes, weights, initializer and weight accessors); its call stays hand-written,
/// in an extension.
package struct RuntimeLayerSchema: Sendable {
    /// The inputs a call takes and whether the layer has weights.
    package enum Kind: Sendable {
        /// One input, one output, weights (`UnaryLayer`).
        case unary
        /// One input, one output, no weights (`WeightlessLayer`).
        case weightless
        /// One input, the output and states (`MultiOutputLayer`), weights.
        case multiOutput
        /// Several inputs, weights (`MergeLayer`).
        case merge
        /// Several inputs, no weights (`WeightlessMerge`).
        case weightlessMerge

        /// The protocols the type conforms to.
        var conformances: String {
            switch self {
            case .unary: "UnaryLayer"
            case .weightless: "WeightlessLayer"
            case .multiOutput: "MultiOutputLayer"
            case .merge: "MergeLayer"
            case .weightlessMerge: "MergeLayer, WeightlessMerge"
            }
        }
        /// Whether calls take several inputs.
        var isMerge: Bool { self == .merge || self == .weightlessMerge }
        /// Whether the layer keeps weights.
        var hasWeights: Bool { self == .unary || self == .multiOutput || self == .merge }
    }

    /// A public property reading the layer's weights.
    package struct Accessor: Sendable {
        /// The Swift property (`recurrentKernel`).
        package var property: String
        /// The Keras variable name (`recurrent_kernel`); nil: every weight, as `[Tensor]`.
        package var key: String?
        /// Whether the config can leave the weight out (`bias` without `use_bias`).
        package var isOptional: Bool
        /// The property's documentation.
        package var doc: String

        /// The weight Keras calls `key`, which every config of the layer has.
        package static func weight(_ key: String, _ doc: String) -> Self {
            Self(property: FieldSchema.camelCase(key), key: key, isOptional: false, doc: doc)
        }
        /// The weight Keras calls `key`, when the config has it.
        package static func optionalWeight(_ key: String, _ doc: String) -> Self {
            Self(property: FieldSchema.camelCase(key), key: key, isOptional: true, doc: doc)
        }
        /// Every weight, under the name `property`.
        package static func all(_ property: String, _ doc: String) -> Self {
            Self(property: property, key: nil, isOptional: false, doc: doc)
        }
    }

    /// A Keras class name for one specialization of a generic layer type
    /// (`typealias Conv2D = Convolution<Spatial2D>`).
    package struct Alias: Sendable {
        /// The Keras class name (`Conv2D`).
        package var name: String
        /// The generic arguments (`Spatial2D`).
        package var arguments: String

        /// An alias `name` for the type with `arguments`.
        package init(_ name: String, _ arguments: String) {
            self.name = name
            self.arguments = arguments
        }
    }

    /// The struct's name with its generic parameters (`Convolution<Rank: SpatialRank>`).
    package var declaration: String
    /// Its Keras class names, one per specialization, for a generic type.
    package var aliases: [Alias]
    /// Its inputs and weights.
    package var kind: Kind
    /// Its config type (`ConvConfig<Rank>`).
    package var config: String
    /// The struct's documentation.
    package var doc: String
    /// Its weight accessors, in the order they are declared.
    package var accessors: [Accessor]
    /// Statements run at the end of the initializer, after the weights are drawn.
    package var afterBuild: [String]

    /// A layer type built from `config`; a config's own `runtime` leaves it out (it is that
    /// config).
    package init(
        _ declaration: String, _ kind: Kind, config: String = "", doc: String, weights accessors: [Accessor] = [],
        afterBuild: [String] = [], aliases: [Alias] = []
    ) {
        self.declaration = declaration
        self.aliases = aliases
        self.kind = kind
        self.config = config
        self.doc = doc
        self.accessors = accessors
        self.afterBuild = afterBuild
    }

    /// The struct's name without generic parameters.
    package var name: String { String(declaration.prefix { $0 != "<" }) }

    /// The same layer type, built from `config`.
    func built(from config: String) -> Self {
        var copy = self
        copy.config = config
        return copy
    }
}

/// The configs of one file of `Sources/ModelSpec/Layers/Generated` and the runtime layer types
/// of one file of `Sources/ModelRuntime/Layers/Generated`.
package struct LayerFamily: Sendable {
    /// The files' base name (`Convolution` → `ConvolutionConfigs.swift`, `ConvolutionTypes.swift`).
    package var name: String
    /// What the family holds, for the files' headers.
    package var summary: String
    /// Its configs, in file order.
    package var configs: [ConfigSchema]
    /// Its runtime layer types built from several configs (`ElementwiseMerge<Config>`); those of
    /// one config are the configs' `runtime`.
    package var sharedLayers: [RuntimeLayerSchema]

    /// A family.
    package init(_ name: String, _ summary: String, _ configs: [ConfigSchema], layers: [RuntimeLayerSchema] = []) {
        self.name = name
        self.summary = summary
        self.configs = configs
        sharedLayers = layers
    }

    /// Every runtime layer type: the configs' own, in config order, then the shared ones.
    package var layers: [RuntimeLayerSchema] { configs.compactMap(\.runtime) + sharedLayers }

    /// The generated config file's name.
    package var fileName: String { name + "Configs.swift" }
    /// The generated runtime file's name.
    package var layersFileName: String { name + "Types.swift" }
}

extension [RuntimeLayerSchema.Alias] {
    /// One alias per spatial rank: `prefix` + `1D` + `suffix` for `Spatial1D` (then `arguments`
    /// after it), and so on.
    package static func ranks(
        _ prefix: String, _ ranks: ClosedRange<Int> = 1...3, suffix: String = "", arguments: String = ""
    ) -> Self {
        ranks.map { RuntimeLayerSchema.Alias("\(prefix)\($0)D\(suffix)", "Spatial\($0)D" + arguments) }
    }
}
