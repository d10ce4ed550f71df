import Foundation
import ReportContract
import Testing

@testable import MetricsReporting

/// `JSONTextEncoder` against its reference, `JSONEncoder` with the report's three formatting options: the same
/// bytes for every value, the same refusal of what JSON cannot hold.
struct JSONTextEncoderTests {
    static func reference() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Both encoders' text of `value`, or nil for an encoder that threw.
    static func both<T: Encodable>(_ value: T) -> (ours: String?, reference: String?) {
        let ours = (try? JSONTextEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) }
        let reference = (try? Self.reference().encode(value)).map { String(decoding: $0, as: UTF8.self) }
        return (ours, reference)
    }

    static func expectSame<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) {
        let (ours, reference) = both(value)
        #expect(reference != nil, sourceLocation: sourceLocation)
        #expect(ours == reference, sourceLocation: sourceLocation)
    }

    // MARK: The formats the brief measured, pinned as text

    /// The order of the keys' UTF-8 bytes (not `String`'s `<`, which would put the decomposed `e\u{301}x` after
    /// `éa`), as the reference sorts them with this toolchain.
    @Test func keysSortInUTF8Order() throws {
        let keys = ["é", "a9", "a10", "a", "_x", "Z", "B", "A", "9", "10", "1", "e\u{301}x", "éa"]
        let text = String(
            decoding: try JSONTextEncoder().encode(Dictionary(uniqueKeysWithValues: keys.map { ($0, 1) })),
            as: UTF8.self)
        let order = ["1", "10", "9", "A", "B", "Z", "_x", "a", "a10", "a9", "e\u{301}x", "é", "éa"]
        #expect(text == "{\n" + order.map { "  \"\($0)\" : 1" }.joined(separator: ",\n") + "\n}")
        Self.expectSame(Dictionary(uniqueKeysWithValues: keys.map { ($0, 1) }))
    }

    @Test func numbersAndEmptyContainers() throws {
        let doubles: [Double] = [1.0, -0.0, 1e-05, 2.5e-07, 1.2345678901234568e+17, 1e+21, 1.0 / 3.0]
        let text = String(decoding: try JSONTextEncoder().encode(doubles), as: UTF8.self)
        #expect(
            text == "[\n  1,\n  -0,\n  1e-05,\n  2.5e-07,\n  1.2345678901234568e+17,\n  1e+21,\n  0.3333333333333333\n]"
        )
        #expect(String(decoding: try JSONTextEncoder().encode([[Int]]()), as: UTF8.self) == "[\n\n]")
        #expect(String(decoding: try JSONTextEncoder().encode([[String: Int]()]), as: UTF8.self) == "[\n  {\n\n  }\n]")
        Self.expectSame(doubles)
        Self.expectSame([[[Int]()], []])
        Self.expectSame([Int.min, Int.max, 0])
    }

    @Test func stringEscapes() throws {
        let text = "\u{0}\u{1}\u{1F}\u{7F}\u{2028}\u{2029}/\\\"\t\n\r\u{8}\u{C}é😀"
        let written = String(decoding: try JSONTextEncoder().encode([text]), as: UTF8.self)
        #expect(
            written == "[\n  \"\\u0000\\u0001\\u001f\u{7F}\u{2028}\u{2029}/\\\\\\\"\\t\\n\\r\\b\\fé😀\"\n]")
        Self.expectSame([text])
    }

    @Test func foundationValuesAsTheReferenceWritesThem() {
        Self.expectSame(Data([0, 1, 2, 250, 255]))
        Self.expectSame(["data": Data("yardstick".utf8)])
        Self.expectSame([URL(string: "https://example.com/a/b?c=d")!])
        Self.expectSame([Decimal(string: "12.50")!, Decimal(-3)])
        Self.expectSame(["at": Date(timeIntervalSinceReferenceDate: 86_400.25)])
    }

    @Test func valuesThatEncodeNothing() {
        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        Self.expectSame([Nothing(), Nothing()])
        Self.expectSame(["a": Nothing()])
        // At the top level both refuse.
        #expect(throws: EncodingError.self) { try JSONTextEncoder().encode(Nothing()) }
        #expect(throws: EncodingError.self) { try Self.reference().encode(Nothing()) }
    }

    @Test func aKeyEncodedTwiceKeepsItsLastValue() {
        struct Twice: Encodable {
            enum K: String, CodingKey { case b, a }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try c.encode(1, forKey: .b)
                try c.encode("x", forKey: .a)
                try c.encode(2, forKey: .b)
            }
        }
        Self.expectSame(Twice())
        Self.expectSame([Twice(), Twice()])
    }

    /// Super encoders (used, unused, keyed and unkeyed) and a second request for the same keyed container.
    @Test func superEncodersAndRepeatedContainers() {
        class Base: Encodable {
            enum K: String, CodingKey { case base, zeta }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try c.encode("b", forKey: .base)
                try c.encodeNil(forKey: .zeta)
            }
        }
        final class Derived: Base {
            enum D: String, CodingKey { case derived, parent, empty }
            override func encode(to encoder: any Encoder) throws {
                try super.encode(to: encoder)  // the same keyed container, asked for again
                var c = encoder.container(keyedBy: D.self)
                try c.encode(1, forKey: .derived)
                try super.encode(to: c.superEncoder())
                try super.encode(to: c.superEncoder(forKey: .parent))
                _ = c.superEncoder(forKey: .empty)
            }
        }
        struct List: Encodable {
            func encode(to encoder: any Encoder) throws {
                var c = encoder.unkeyedContainer()
                try c.encode(1)
                try Base().encode(to: c.superEncoder())
                _ = c.superEncoder()
                try c.encode(2)
            }
        }
        Self.expectSame(Derived())
        Self.expectSame(["d": Derived()])
        Self.expectSame(List())
    }

    @Test func nonFiniteNumbersThrowAsTheReferenceThrows() throws {
        struct Keyed: Encodable {
            let value: Double
            enum K: String, CodingKey { case value }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try c.encode(value, forKey: .value)
            }
        }
        func expectBothThrow<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: EncodingError.self, sourceLocation: sourceLocation) { try JSONTextEncoder().encode(value) }
            #expect(throws: EncodingError.self, sourceLocation: sourceLocation) { try Self.reference().encode(value) }
        }
        for value in [Double.nan, .infinity, -.infinity] {
            expectBothThrow(Keyed(value: value))
            expectBothThrow([1, value])
            expectBothThrow(["k": [Float(value)]])
            expectBothThrow(Optional(value))
            expectBothThrow(value)
        }
        // The error names the value and where it is, as the reference's does.
        func context(_ encode: () throws -> Void) -> EncodingError.Context? {
            do { try encode() } catch let EncodingError.invalidValue(_, context) { return context } catch {}
            return nil
        }
        let value = ["a": [Keyed(value: 1), Keyed(value: -.infinity)]]
        let ours = try #require(context { _ = try JSONTextEncoder().encode(value) })
        let reference = try #require(context { _ = try Self.reference().encode(value) })
        #expect(ours.debugDescription == reference.debugDescription)
        #expect(ours.codingPath.map(\.stringValue) == ["a", "Index 1", "value"])
        #expect(ours.codingPath.map(\.stringValue) == reference.codingPath.map(\.stringValue))
    }

    /// A nested container written to after its parent went on cannot be written in place: an error, not
    /// misplaced bytes.
    @Test func aContainerUsedAfterItsParentWentOnThrows() {
        struct Interleaved: Encodable {
            enum K: String, CodingKey { case a, b, c }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                var nested = c.nestedContainer(keyedBy: K.self, forKey: .a)
                try c.encode(1, forKey: .b)
                try nested.encode(2, forKey: .c)
            }
        }
        #expect(throws: EncodingError.self) { try JSONTextEncoder().encode(Interleaved()) }
    }

    // MARK: Drawn values

    /// A value drawn at random, encoded through every kind of container and every primitive overload.
    indirect enum Drawn: Encodable {
        case string(String)
        case double(Double)
        case float(Float)
        case bool(Bool)
        case null
        case int(Int)
        case int8(Int8)
        case int16(Int16)
        case int32(Int32)
        case int64(Int64)
        case uint(UInt)
        case uint8(UInt8)
        case uint16(UInt16)
        case uint32(UInt32)
        case uint64(UInt64)
        case optional(Int??)
        /// Elements, each written through a nested container when `nested` (arrays and objects).
        case array([Drawn], nested: Bool)
        case object([(key: String, value: Drawn)], nested: Bool)
        case stringKeyed([String: Drawn])
        case intKeyed([Int: Drawn])

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .array(let elements, let nested):
                var c = encoder.unkeyedContainer()
                try Self.write(elements, into: &c, nested: nested)
            case .object(let entries, let nested):
                var c = encoder.container(keyedBy: Key.self)
                try Self.write(entries, into: &c, nested: nested)
            case .stringKeyed(let d):
                var c = encoder.singleValueContainer()
                try c.encode(d)
            case .intKeyed(let d):
                var c = encoder.singleValueContainer()
                try c.encode(d)
            case .optional(let o):
                var c = encoder.singleValueContainer()
                try c.encode(o)
            default:
                var c = encoder.singleValueContainer()
                try scalar(&c)
            }
        }

        func scalar(_ c: inout some SingleValueEncodingContainer) throws {
            switch self {
            case .string(let v): try c.encode(v)
            case .double(let v): try c.encode(v)
            case .float(let v): try c.encode(v)
            case .bool(let v): try c.encode(v)
            case .null: try c.encodeNil()
            case .int(let v): try c.encode(v)
            case .int8(let v): try c.encode(v)
            case .int16(let v): try c.encode(v)
            case .int32(let v): try c.encode(v)
            case .int64(let v): try c.encode(v)
            case .uint(let v): try c.encode(v)
            case .uint8(let v): try c.encode(v)
            case .uint16(let v): try c.encode(v)
            case .uint32(let v): try c.encode(v)
            case .uint64(let v): try c.encode(v)
            default: try c.encode(self)
            }
        }

        static func write(_ elements: [Drawn], into c: inout some UnkeyedEncodingContainer, nested: Bool) throws {
            for element in elements {
                switch element {
                case .string(let v): try c.encode(v)
                case .double(let v): try c.encode(v)
                case .float(let v): try c.encode(v)
                case .bool(let v): try c.encode(v)
                case .null: try c.encodeNil()
                case .int(let v): try c.encode(v)
                case .int8(let v): try c.encode(v)
                case .int16(let v): try c.encode(v)
                case .int32(let v): try c.encode(v)
                case .int64(let v): try c.encode(v)
                case .uint(let v): try c.encode(v)
                case .uint8(let v): try c.encode(v)
                case .uint16(let v): try c.encode(v)
                case .uint32(let v): try c.encode(v)
                case .uint64(let v): try c.encode(v)
                case .array(let inner, let n) where nested:
                    var sub = c.nestedUnkeyedContainer()
                    try write(inner, into: &sub, nested: n)
                case .object(let inner, let n) where nested:
                    var sub = c.nestedContainer(keyedBy: Key.self)
                    try write(inner, into: &sub, nested: n)
                default: try c.encode(element)
                }
            }
        }

        static func write(
            _ entries: [(key: String, value: Drawn)], into c: inout KeyedEncodingContainer<Key>, nested: Bool
        ) throws {
            for (name, value) in entries {
                let key = Key(stringValue: name)
                switch value {
                case .string(let v): try c.encode(v, forKey: key)
                case .double(let v): try c.encode(v, forKey: key)
                case .float(let v): try c.encode(v, forKey: key)
                case .bool(let v): try c.encode(v, forKey: key)
                case .null: try c.encodeNil(forKey: key)
                case .int(let v): try c.encode(v, forKey: key)
                case .int8(let v): try c.encode(v, forKey: key)
                case .int16(let v): try c.encode(v, forKey: key)
                case .int32(let v): try c.encode(v, forKey: key)
                case .int64(let v): try c.encode(v, forKey: key)
                case .uint(let v): try c.encode(v, forKey: key)
                case .uint8(let v): try c.encode(v, forKey: key)
                case .uint16(let v): try c.encode(v, forKey: key)
                case .uint32(let v): try c.encode(v, forKey: key)
                case .uint64(let v): try c.encode(v, forKey: key)
                case .optional(let v):
                    // A nil optional is left out by encodeIfPresent; `.some(nil)` is written as null.
                    try c.encodeIfPresent(v, forKey: key)
                case .array(let inner, let n) where nested:
                    var sub = c.nestedUnkeyedContainer(forKey: key)
                    try write(inner, into: &sub, nested: n)
                case .object(let inner, let n) where nested:
                    var sub = c.nestedContainer(keyedBy: Key.self, forKey: key)
                    try write(inner, into: &sub, nested: n)
                default: try c.encode(value, forKey: key)
                }
            }
        }
    }

    /// A seeded generator (SplitMix64): the same values on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Scalars of every class: ASCII controls, quote, backslash, slash, DEL, line and paragraph separators,
    /// combining marks, non-BMP, the largest scalar, byte-order mark, replacement character, a ZWJ sequence.
    static let pieces: [String] =
        (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + [
            "\"", "\\", "/", "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{301}", "\u{308}",
            "e\u{301}", "é", "ß", "中", "😀", "\u{10FFFF}", "\u{FEFF}", "\u{FFFD}", "\u{FFFF}", "👨‍👩‍👧", "\r\n",
            "a", "Z", "0", " ", "{", "]", ":", ",", "key", "null", "\\u0041",
        ]

    static func drawString(_ g: inout Seeded) -> String {
        (0..<Int.random(in: 0...8, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
    }

    static func drawDouble(_ g: inout Seeded) -> Double {
        switch Int.random(in: 0..<6, using: &g) {
        case 0:
            var d: Double
            repeat { d = Double(bitPattern: g.next()) } while !d.isFinite
            return d
        case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &g))
        case 2:
            return [
                0, -0.0, .leastNonzeroMagnitude, 2.2250738585072014e-308, 1e-7, 1e-5, 1e-4, 0.1, 1e15, 1e16, 1e17, 1e21,
                1e22,
                .greatestFiniteMagnitude, 9_007_199_254_740_994, -2.5e-07,
            ][Int.random(in: 0..<16, using: &g)]
        case 3: return Double.random(in: -1...1, using: &g) * pow(10, Double(Int.random(in: -30...30, using: &g)))
        case 4: return Double(Int64.random(in: .min ... .max, using: &g))
        default: return Double.random(in: 0..<1000, using: &g).rounded() / 100
        }
    }

    static func drawFloat(_ g: inout Seeded) -> Float {
        var f: Float
        repeat { f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next())) } while !f.isFinite
        return Int.random(in: 0..<3, using: &g) == 0 ? Float(Int.random(in: -100...100, using: &g)) : f
    }

    static func drawInteger<I: FixedWidthInteger>(_ type: I.Type, _ g: inout Seeded) -> I {
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return I.min
        case 1: return I.max
        case 2: return I(truncatingIfNeeded: Int.random(in: -300...300, using: &g))
        default: return I(truncatingIfNeeded: g.next())
        }
    }

    static func draw(_ g: inout Seeded, depth: Int) -> Drawn {
        let containers = depth < 4
        switch Int.random(in: 0..<(containers ? 22 : 16), using: &g) {
        case 0, 1: return .string(drawString(&g))
        case 2: return .double(drawDouble(&g))
        case 3: return .float(drawFloat(&g))
        case 4: return .bool(Bool.random(using: &g))
        case 5: return .null
        case 6: return .int(drawInteger(Int.self, &g))
        case 7: return .int8(drawInteger(Int8.self, &g))
        case 8: return .int16(drawInteger(Int16.self, &g))
        case 9: return .int32(drawInteger(Int32.self, &g))
        case 10: return .int64(drawInteger(Int64.self, &g))
        case 11: return .uint(drawInteger(UInt.self, &g))
        case 12: return .uint8(drawInteger(UInt8.self, &g))
        case 13: return .uint16(drawInteger(UInt16.self, &g))
        case 14: return .uint32(drawInteger(UInt32.self, &g))
        case 15:
            let choices: [Int??] = [nil, .some(nil), .some(.some(drawInteger(Int.self, &g)))]
            return Bool.random(using: &g)
                ? .uint64(drawInteger(UInt64.self, &g)) : .optional(choices.randomElement(using: &g)!)
        case 16, 17:
            let count = Int.random(in: 0...4, using: &g)
            return .array((0..<count).map { _ in draw(&g, depth: depth + 1) }, nested: Bool.random(using: &g))
        case 18, 19:
            // Distinct keys (as `String` compares them): a key written twice is pinned by its own test.
            var seen = Set<String>()
            var entries: [(key: String, value: Drawn)] = []
            for _ in 0..<Int.random(in: 0...6, using: &g) {
                let key = drawString(&g)
                if seen.insert(key).inserted { entries.append((key, draw(&g, depth: depth + 1))) }
            }
            return .object(entries, nested: Bool.random(using: &g))
        case 20:
            var d: [String: Drawn] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &g) { d[drawString(&g)] = draw(&g, depth: depth + 1) }
            return .stringKeyed(d)
        default:
            var d: [Int: Drawn] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &g) {
                d[Int.random(in: -20...120, using: &g)] = draw(&g, depth: depth + 1)
            }
            return .intKeyed(d)
        }
    }

    @Test func drawnValuesGiveTheReferenceBytes() {
        var g = Seeded(state: 20_261_207)
        var compared = 0
        for _ in 0..<3000 {
            let value = Self.draw(&g, depth: 0)
            let (ours, reference) = Self.both(value)
            // Only a value that encodes nothing at the top level (an empty optional left out) is refused.
            #expect(ours == reference)
            if reference != nil { compared += 1 }
            if ours != reference { break }
        }
        #expect(compared > 2900)
        // Top-level scalars of every width, as single values.
        for value in [Int8.min, Int8.max] { Self.expectSame(value) }
        for value in [Int64.min, Int64.max] { Self.expectSame(value) }
        for value in [UInt64.min, UInt64.max] { Self.expectSame(value) }
        Self.expectSame([Int128.min, Int128.max, 0])
        Self.expectSame([UInt128.max])
    }
}
