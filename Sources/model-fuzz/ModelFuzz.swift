import Foundation
import ModelFuzzTargets

// Two programs in one file, both entered through `@main`:
//
// - Built with `-DFUZZING` and `-sanitize=fuzzer,address` (tools/fuzz.sh): a libFuzzer fuzzer
//   running the target named by the environment variable MODEL_FUZZ_TARGET.
// - Otherwise: `model-fuzz TARGET FILE...`, which runs a target on files, to reproduce in an
//   ordinary build a crash the fuzzer found.
//
// Both need a `@main`: on Linux SwiftPM compiles an executable's entry point as
// `model_fuzz_main` and links it with `--defsym main=model_fuzz_main`, so that symbol must
// exist and it replaces libFuzzer's own `main`. The fuzzing entry point therefore starts
// libFuzzer itself, through `LLVMFuzzerRunDriver`.

/// The usage line: the target names.
private let targetNames = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")

private func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("model-fuzz: \(message)\n".utf8))
    exit(status)
}

#if FUZZING

    /// The target libFuzzer runs, set before the driver starts.
    nonisolated(unsafe) private var selectedTarget = FuzzTarget.json

    /// Called by libFuzzer with every input.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        selectedTarget.run(bytes)
        return 0
    }

    /// libFuzzer's entry point: parses libFuzzer options out of `argc`/`argv` and fuzzes `body`.
    /// (Needs `-enable-experimental-feature Extern`, which tools/fuzz.sh passes.)
    @_extern(c, "LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @main
    struct ModelFuzz {
        static func main() {
            let name = ProcessInfo.processInfo.environment["MODEL_FUZZ_TARGET"] ?? ""
            guard let target = FuzzTarget(rawValue: name) else {
                fail("set MODEL_FUZZ_TARGET to one of \(targetNames) (found '\(name)')", status: 2)
            }
            selectedTarget = target
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runFuzzerDriver(&argc, &argv, fuzzTestOneInput))
        }
    }

#else

    @main
    struct ModelFuzz {
        static func main() {
            var arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.popFirst(), let target = FuzzTarget(rawValue: name), !arguments.isEmpty else {
                fail("usage: model-fuzz \(targetNames) FILE...", status: 2)
            }
            for path in arguments {
                guard let data = FileManager.default.contents(atPath: path) else {
                    fail("cannot read \(path)", status: 1)
                }
                print("\(name): \(path) (\(data.count) bytes)")
                target.run([UInt8](data))
            }
            print("\(name): ran \(arguments.count) file(s) without a crash")
        }
    }

#endif
