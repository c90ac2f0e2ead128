import Foundation
import ModelRuntime
import PeakFLOPS

// Usage: Benchmarks [--files DIR] [--runs N] [--only NAME] [--profile] [--memory] [--peak]
//
// DIR holds big_mlp.weights.h5, big_mlp.keras and big_mlp.safetensors (written by
// tools/benchmark.py with Keras). Prints one line per case: NAME, the median seconds over the
// runs, and a check value that the script compares with Python's. `--profile` prints where a
// ResNet50 call (MobileNetV2's with `--only mobilenet_v2`) spends its time, by layer class.
// `--only NAME` runs the cases whose names start with NAME (e.g. `--only resnet50_clone`), for
// timing or profiling one case. `--memory` prints the peak resident memory of one ResNet50
// batch-1 call (Linux) and nothing else; `--peak` the machine's fused multiply-add peak.

struct Options {
    var files: URL?
    var runs = 5
    var profile = false
    var memory = false
    var peak = false
    var only: String?

    /// Whether the case `name` runs.
    func runs(_ name: String) -> Bool { only.map { name.hasPrefix($0) } ?? true }
}

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var index = 1
    while index < arguments.count {
        switch arguments[index] {
        case "--files" where index + 1 < arguments.count:
            options.files = URL(fileURLWithPath: arguments[index + 1])
            index += 1
        case "--only" where index + 1 < arguments.count:
            options.only = arguments[index + 1]
            index += 1
        case "--memory":
            options.memory = true
        case "--peak":
            options.peak = true
        case "--profile":
            options.profile = true
        case "--runs" where index + 1 < arguments.count:
            options.runs = Int(arguments[index + 1]) ?? options.runs
            index += 1
        default:
            FileHandle.standardError.write(
                Data("usage: Benchmarks [--files DIR] [--runs N] [--only NAME] [--profile] [--memory] [--peak]\n".utf8))
            exit(2)
        }
        index += 1
    }
    return options
}

/// The median wall time of `runs` calls of `body`, after one warm-up call.
func measure(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let elapsed = try clock.measure(body)
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return times.sorted()[times.count / 2]
}

func report(_ name: String, _ seconds: Double, check: Double) {
    print("\(name)\t\(seconds)\t\(check)")
}

/// The sum of every weight, for comparing with Python.
func checksum(_ weights: [Tensor]) -> Double {
    weights.reduce(0) { total, tensor in tensor.scalars.reduce(total) { $0 + Double($1) } }
}

/// Time per layer class in one call, measured between consecutive interceptions.
final class LayerProfile: CallInterceptor, @unchecked Sendable {
    var last = ContinuousClock.now
    var seconds: [String: Double] = [:]
    func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
        let now = ContinuousClock.now
        let elapsed = now - last
        seconds[L.Config.className, default: 0] +=
            Double(elapsed.components.attoseconds) * 1e-18 + Double(elapsed.components.seconds)
        last = ContinuousClock.now
        return output
    }
}

/// A line of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`), or nil where there is none.
func processStatus(_ field: String) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        if parts.count >= 2, let kilobytes = Double(parts[1]) { return kilobytes * 1024 }
    }
    return nil
}

/// The largest output of any layer in a call, in bytes.
final class LargestOutput: CallInterceptor, @unchecked Sendable {
    var bytes = 0
    func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
        bytes = max(bytes, output.scalarCount * MemoryLayout<Float>.stride)
        return output
    }
}

let options = parse(CommandLine.arguments)
if options.peak {
    // Every core runs independent FMA chains of the widest vectors the CPU has; the best of
    // five rounds, as `peak_gflops<TAB>GFLOP/s<TAB>lanes`.
    let lanes = Int(peak_fma_lanes())
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let iterations: Int64 = 20_000_000
    var best = 0.0
    for _ in 0..<5 {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            // The C function's result depends on every FMA, and the call is opaque to Swift.
            DispatchQueue.concurrentPerform(iterations: cores) { _ in _ = peak_fma_run(iterations) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        best = max(best, Double(cores) * Double(iterations) * 24 * Double(lanes) / seconds / 1e9)
    }
    print("peak_gflops\t\(best)\t\(lanes)")
    exit(0)
}
if options.memory {
    // Peak resident memory of one ResNet50 batch-1 call (Linux): the process's resident size
    // just before the model is built (the input made and /proc/self/status read once already:
    // the first read alone maps about 6 MB of Foundation), then the high-water mark of a call,
    // reset (clear_refs 5) after the model is built and has run once. Printed as
    // `name<TAB>bytes<TAB>0`.
    let image = Tensor(shape: [1, 224, 224, 3], scalars: (0..<(224 * 224 * 3)).map { Float($0 % 255) / 255 - 0.5 })
    guard processStatus("VmRSS") != nil, let before = processStatus("VmRSS") else {
        FileHandle.standardError.write(Data("Benchmarks: --memory needs /proc/self/status (Linux)\n".utf8))
        exit(2)
    }
    let resnet = Resnet50(seed: 1)
    _ = resnet(image)
    guard (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil else {
        FileHandle.standardError.write(Data("Benchmarks: cannot reset the peak (/proc/self/clear_refs)\n".utf8))
        exit(2)
    }
    let output = resnet(image)
    let peak = processStatus("VmHWM") ?? 0
    let largest = LargestOutput()
    _ = resnet(image, intercepting: largest)
    let weights = resnet.weights.reduce(0) { $0 + $1.scalarCount * MemoryLayout<Float>.stride }
    print("memory_before_model\t\(before)\t0")
    print("memory_peak_call\t\(peak)\t\(output.scalarCount)")
    print("memory_weights\t\(Double(weights))\t0")
    print("memory_largest_activation\t\(Double(largest.bytes))\t0")
    exit(0)
}
if options.profile {
    // Where a batch-1 call spends its time, by layer class: ResNet50's, or MobileNetV2's with
    // `--only mobilenet_v2`.
    let image = Tensor(shape: [1, 224, 224, 3], scalars: (0..<(224 * 224 * 3)).map { Float($0 % 255) / 255 - 0.5 })
    let profile = LayerProfile()
    if options.only?.hasPrefix("mobilenet") == true {
        let mobilenet = MobilenetV2(seed: 1)
        _ = mobilenet(image)
        profile.last = ContinuousClock.now
        _ = mobilenet(image, intercepting: profile)
    } else {
        let resnet = Resnet50(seed: 1)
        _ = resnet(image)
        profile.last = ContinuousClock.now
        _ = resnet(image, intercepting: profile)
    }
    for (name, seconds) in profile.seconds.sorted(by: { $0.value > $1.value }) {
        print("\(name)\t\(String(format: "%.1f", seconds * 1000)) ms")
    }
    exit(0)
}
do {
    if let files = options.files,
        ["load_weights_h5", "load_weights_safetensors", "load_model_keras"].contains(where: options.runs)
    {
        var model = BigMlp(seed: 1)
        let h5 = files.appendingPathComponent("big_mlp.weights.h5")
        report(
            "load_weights_h5", try measure(options.runs) { try model.loadWeights(from: h5) },
            check: checksum(model.weights))
        let safetensors = files.appendingPathComponent("big_mlp.safetensors")
        report(
            "load_weights_safetensors", try measure(options.runs) { try model.loadWeights(from: safetensors) },
            check: checksum(model.weights))
        let archive = files.appendingPathComponent("big_mlp.keras")
        var loaded = model
        report(
            "load_model_keras", try measure(options.runs) { loaded = try BigMlp(contentsOf: archive) },
            check: checksum(loaded.weights))
    }
    if options.runs("gemm_1024") {
        // A 1024×1024 by 1024×1024 matrix product: a Dense layer without bias on a batch of 1024.
        let dense = Dense1024(seed: 1)
        let square = Tensor(shape: [1024, 1024], scalars: (0..<(1024 * 1024)).map { Float($0 % 97) / 97 })
        var product = dense(square)
        report("gemm_1024", measure(options.runs) { product = dense(square) }, check: Double(product.scalars[0]))
    }

    // keras.applications at 224×224, batch 1, with their fresh weights.
    let image = Tensor(shape: [1, 224, 224, 3], scalars: (0..<(224 * 224 * 3)).map { Float($0 % 255) / 255 - 0.5 })
    if ["resnet50_batch_1", "resnet50_batch_32", "resnet50_clone", "keras_json_resnet50"].contains(where: options.runs)
    {
        let resnet = Resnet50(seed: 1)
        if options.runs("resnet50_batch_1") {
            var classes = resnet(image)
            report(
                "resnet50_batch_1", measure(max(1, options.runs / 2)) { classes = resnet(image) },
                check: Double(classes.scalars.reduce(0, +)))
        }
        if options.runs("resnet50_batch_32") {
            // 32 images a call: the throughput case (images/s = 32 / time).
            let batch = Tensor(shape: [32, 224, 224, 3]) { out in
                image.withUnsafeScalars { one in
                    for index in 0..<out.count { out[index] = one[index % one.count] }
                }
            }
            var classes = resnet(batch)
            report(
                "resnet50_batch_32", measure(max(1, options.runs / 2)) { classes = resnet(batch) },
                check: Double(classes.scalars.reduce(0, +)))
        }
        if options.runs("resnet50_clone") {
            var cloned = resnet
            report(
                "resnet50_clone", measure(max(1, options.runs / 2)) { cloned = resnet.clone() },
                check: Double(cloned.weights.count))
        }
        if options.runs("keras_json_resnet50") {
            // The architecture to Keras JSON and back into a typed config (no weights), as
            // `model.to_json()` and `model_from_json` move architectures around.
            var json = resnet.kerasJSON()
            report(
                "keras_json_resnet50",
                try measure(options.runs) {
                    json = resnet.kerasJSON()
                    _ = try Resnet50.Config(kerasJSON: json)
                }, check: Double(json.utf8.count))
        }
    }
    if options.runs("mobilenet_v2_batch_1") {
        let mobilenet = MobilenetV2(seed: 1)
        var classes = mobilenet(image)
        report(
            "mobilenet_v2_batch_1", measure(options.runs) { classes = mobilenet(image) },
            check: Double(classes.scalars.reduce(0, +)))
    }

    if options.runs("lstm_256_batch_32") {
        // A 256-unit LSTM over 50 steps of 64 features, a batch of 32 sequences.
        let lstm = LstmText(seed: 1)
        let sequences = Tensor(shape: [32, 50, 64], scalars: (0..<(32 * 50 * 64)).map { Float($0 % 255) / 255 - 0.5 })
        var state = lstm(sequences)
        report(
            "lstm_256_batch_32", measure(options.runs) { state = lstm(sequences) },
            check: Double(state.scalars.reduce(0, +)))
    }

    let mnist = MnistMlp(seed: 1)
    for batch in [1, 256] where options.runs("mnist_mlp_batch_\(batch)") {
        let input = Tensor(shape: [batch, 784], scalars: (0..<(batch * 784)).map { Float($0 % 255) / 255 })
        var output = mnist(input)
        let runs = batch == 1 ? options.runs * 200 : options.runs * 4
        report(
            "mnist_mlp_batch_\(batch)", measure(runs) { output = mnist(input) },
            check: Double(output.scalars.reduce(0, +)))
    }

    // Training: one epoch of `fit` (batch 128, Adam, sparse categorical crossentropy, no
    // shuffling) on synthetic inputs: the MLP on 60,000 × 784, the small CNN on 12,800 × 28².
    if options.runs("fit_mlp_epoch") {
        let count = 60_000
        let x = Tensor(shape: [count, 784]) { out in for i in 0..<out.count { out[i] = Float(i % 251) / 251 } }
        let y = Tensor(shape: [count]) { out in for i in 0..<out.count { out[i] = Float(i % 10) } }
        var model = MnistMlp(seed: 1)
        var optimizer = Adam()
        report(
            "fit_mlp_epoch",
            try measure(max(1, options.runs / 3)) {
                _ = try model.fit(
                    x: [x], y: [y], loss: .sparseCategoricalCrossentropy(), optimizer: &optimizer, batchSize: 128,
                    shuffle: false, verbose: .silent)
            }, check: checksum(model.weights))
    }
    if options.runs("fit_cnn_epoch") {
        let count = 12_800
        let x = Tensor(shape: [count, 28, 28, 1]) { out in for i in 0..<out.count { out[i] = Float(i % 251) / 251 } }
        let y = Tensor(shape: [count]) { out in for i in 0..<out.count { out[i] = Float(i % 10) } }
        var model = SmallCnn(seed: 1)
        var optimizer = Adam()
        report(
            "fit_cnn_epoch",
            try measure(max(1, options.runs / 3)) {
                _ = try model.fit(
                    x: [x], y: [y], loss: .sparseCategoricalCrossentropy(), optimizer: &optimizer, batchSize: 128,
                    shuffle: false, verbose: .silent)
            }, check: checksum(model.weights))
    }
} catch {
    FileHandle.standardError.write(Data("Benchmarks: \(error)\n".utf8))
    exit(1)
}
