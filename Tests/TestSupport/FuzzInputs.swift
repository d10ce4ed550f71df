import Foundation

/// Fuzz inputs (Scripts/fuzz.sh, docs/fuzzing.md) for the regression tests that replay them through the real
/// parsers: the seeds of `Fuzz/corpus/<target>/` and every input a fuzz run found crashing, hanging or
/// exhausting memory (`Tests/FuzzRegressionTests/Inputs/<target>/`), in name order.
public enum FuzzInputs {
    /// (path relative to the package, bytes) of every seed and regression input of `target`.
    public static func all(_ target: String) -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for dir in ["Fuzz/corpus/\(target)", "Tests/FuzzRegressionTests/Inputs/\(target)"] {
            let path = SampleRepositories.packageRoot + "/" + dir
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            for name in names.sorted() {
                guard let data = FileManager.default.contents(atPath: path + "/" + name) else { continue }
                out.append((dir + "/" + name, [UInt8](data)))
            }
        }
        return out
    }

    /// The same inputs as text (invalid UTF-8 repaired, as the parsers receive it).
    public static func texts(_ target: String) -> [(name: String, text: String)] {
        all(target).map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) }
    }

    /// One regression input of `target` by file name; empty when it is missing.
    public static func regression(_ target: String, _ name: String) -> [UInt8] {
        let path = SampleRepositories.packageRoot + "/Tests/FuzzRegressionTests/Inputs/\(target)/\(name)"
        return [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }
}
