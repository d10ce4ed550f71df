public import Foundation

/// The differences between two JSON reports, by JSON path (`groups[0].metrics.prSize.value`).
public enum ReportComparison {
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var recorded: String
        public var recomputed: String
        public var description: String { "\(path): report has \(recorded), recomputed \(recomputed)" }
    }

    /// Compares two JSON texts value by value; numbers compare as numbers.
    public static func differences(recorded: Data, recomputed: Data, ignoring: Set<String> = []) throws -> [Difference]
    {
        let a = try JSONSerialization.jsonObject(with: recorded, options: [.fragmentsAllowed])
        let b = try JSONSerialization.jsonObject(with: recomputed, options: [.fragmentsAllowed])
        var out: [Difference] = []
        compare(a, b, path: "", ignoring: ignoring, into: &out)
        return out
    }

    static func show(_ v: Any?) -> String {
        guard let v else { return "nothing" }
        if v is NSNull { return "null" }
        if let s = v as? String { return "\"\(s)\"" }
        if let n = v as? NSNumber { return n.stringValue }
        if let a = v as? [Any] { return "an array of \(a.count)" }
        if v is [String: Any] { return "an object" }
        return "\(v)"
    }

    static func compare(_ a: Any?, _ b: Any?, path: String, ignoring: Set<String>, into out: inout [Difference]) {
        if ignoring.contains(path) { return }
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            for key in Set(x.keys).union(y.keys).sorted() {
                compare(x[key], y[key], path: path.isEmpty ? key : path + "." + key, ignoring: ignoring, into: &out)
            }
        case (let x as [Any], let y as [Any]):
            if x.count != y.count {
                out.append(Difference(path: path, recorded: show(x), recomputed: show(y)))
            }
            for i in 0..<min(x.count, y.count) {
                compare(x[i], y[i], path: "\(path)[\(i)]", ignoring: ignoring, into: &out)
            }
        case (let x as NSNumber, let y as NSNumber):
            if x.doubleValue != y.doubleValue {
                out.append(Difference(path: path, recorded: show(x), recomputed: show(y)))
            }
        case (let x as String, let y as String):
            if x != y { out.append(Difference(path: path, recorded: show(x), recomputed: show(y))) }
        case (is NSNull, is NSNull), (nil, nil):
            return
        // A key a report written before the field existed lacks reads as null or as an empty list.
        case (nil, is NSNull):
            return
        case (nil, let y as [Any]) where y.isEmpty:
            return
        default:
            out.append(Difference(path: path, recorded: show(a), recomputed: show(b)))
        }
    }
}
