internal import Foundation

/// The report's one JSON writer (ADR 0013): a `Swift.Encoder` that writes UTF-8 bytes as it goes, the bytes
/// `JSONEncoder` writes with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (the reference in the
/// differential tests, `JSONTextEncoderTests`):
///
/// - `"key" : value`, two spaces per level, an empty object `{` newline newline indent `}` (arrays alike);
/// - every object's keys in the order of their UTF-8 bytes; a key encoded twice keeps its last value;
/// - integers as `description`; `Double` and `Float` as `description` without a trailing `.0`; NaN and
///   infinities throw `EncodingError.invalidValue`;
/// - strings with `"` and `\` escaped, `\b \f \n \r \t`, other controls below U+0020 as `\u00xx`, and every
///   other scalar (`/`, DEL, U+2028) as raw UTF-8;
/// - `Data` as Base64, `URL` as its `absoluteString`, `Decimal` as a number, `Date` as its own encoding (seconds
///   since 2001), as `JSONEncoder`'s default strategies write them; a nested value that encodes nothing is `{}`
///   (at the top level it throws).
///
/// Values are written in place; an object's entries are put in key order when it closes. So containers are
/// used as `Codable` types use them: a nested container, or a super encoder, is written to before its parent
/// container is written to again. A container used after that throws `EncodingError.invalidValue` (where
/// `JSONEncoder`, which builds a tree first, would accept it); so does a nested value's `encode(to:)` that
/// writes to an outer container.
public struct JSONTextEncoder: Sendable {
    /// Given to every `encode(to:)` as the encoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    /// The JSON text of `value`, without a final newline.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = JSONTextWriter(userInfo: userInfo, depth: 0, path: [], parent: nil)
        try writer.encodeTopLevel(value)
        return writer.out.array
    }
}

/// One step of a coding path: a key, or an index in an array.
enum JSONPathItem {
    case key(any CodingKey)
    case index(Int)

    var codingKey: any CodingKey {
        switch self {
        case .key(let key): return key
        case .index(let index): return JSONIndexKey(index: index)
        }
    }
}

/// An array index as a coding key, as `JSONEncoder` names it.
struct JSONIndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init?(intValue: Int) { self.init(index: intValue) }

    static let superKey = JSONNamedKey(stringValue: "super")
}

/// A key by name (`super`).
struct JSONNamedKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The writer behind `JSONTextEncoder`: the bytes, the open containers, and the value slot being filled. It is
/// the `Encoder` every `encode(to:)` gets, and a super encoder is a writer of its own.
final class JSONTextWriter: Encoder {
    /// An open object or array.
    struct Frame {
        let id: Int
        let isObject: Bool
        /// The coding key type of an object's container: objects of one type share their key order.
        let keyType: ObjectIdentifier?
        /// The indentation level of its brackets; its entries are one level deeper.
        let depth: Int
        /// Its entries' first index in `entryKeys` and `entryStarts` (objects).
        let firstEntry: Int
        var count: Int
        /// The length of `path` that is its coding path, and the length to restore when it closes.
        let pathCount: Int
        let pathRestore: Int
        /// A super encoder's writer holds the value of the last entry: written when the frame is next used or closes.
        var hasPending: Bool
    }

    /// Where one value goes: the top level, an entry's value or an array element.
    struct Slot {
        var depth: Int
        var filled: Bool
        /// The frame opened for this value (`container(keyedBy:)` may be asked for again), or -1.
        var frame: Int
        var frameID: Int
        /// Frames below this index belong to enclosing values: this value may not write to them.
        var floor: Int
    }

    /// What the writer changes as it goes, behind a pointer: a class's stored properties are checked for
    /// exclusive access on every change, which cost about a fifth of the writing time.
    struct State {
        var out = JSONBytes()
        var frames: [Frame] = []
        var entryKeys: [String] = []
        var entryStarts: [Int] = []
        var path: [JSONPathItem]
        var slot: Slot
        var nextID = 1
        /// The first misuse seen where no error can be thrown (`container(keyedBy:)`, `nestedContainer`): every
        /// later write, and the end of the encoding, throws it.
        var failure: (any Error)?
        /// Super encoders' writers, by the id of the frame whose last entry they fill.
        var pending: [Int: JSONTextWriter] = [:]
        /// Set when a super encoder's value has been taken: later writes to it are an error of its parent's.
        var sealed = false
        var scratch: [UInt8] = []
        /// The last key order seen for each key type, and the entries to write for it (nil: as they are).
        var plans: [ObjectIdentifier: SortPlan] = [:]
    }

    struct SortPlan {
        var keys: [String]
        var kept: [Int]?
    }

    private let state: UnsafeMutablePointer<State>
    weak var parent: JSONTextWriter?
    let userInfoValues: [CodingUserInfoKey: any Sendable]

    var out: JSONBytes {
        get { state.pointee.out }
        _modify { yield &state.pointee.out }
    }
    var frames: [Frame] {
        get { state.pointee.frames }
        _modify { yield &state.pointee.frames }
    }
    var entryKeys: [String] {
        get { state.pointee.entryKeys }
        _modify { yield &state.pointee.entryKeys }
    }
    var entryStarts: [Int] {
        get { state.pointee.entryStarts }
        _modify { yield &state.pointee.entryStarts }
    }
    var path: [JSONPathItem] {
        get { state.pointee.path }
        _modify { yield &state.pointee.path }
    }
    var slot: Slot {
        get { state.pointee.slot }
        _modify { yield &state.pointee.slot }
    }
    var nextID: Int {
        get { state.pointee.nextID }
        _modify { yield &state.pointee.nextID }
    }
    var failure: (any Error)? {
        get { state.pointee.failure }
        _modify { yield &state.pointee.failure }
    }
    var pending: [Int: JSONTextWriter] {
        get { state.pointee.pending }
        _modify { yield &state.pointee.pending }
    }
    var sealed: Bool {
        get { state.pointee.sealed }
        _modify { yield &state.pointee.sealed }
    }
    private var scratch: [UInt8] {
        get { state.pointee.scratch }
        _modify { yield &state.pointee.scratch }
    }
    private var plans: [ObjectIdentifier: SortPlan] {
        get { state.pointee.plans }
        _modify { yield &state.pointee.plans }
    }

    init(userInfo: [CodingUserInfoKey: any Sendable], depth: Int, path: [JSONPathItem], parent: JSONTextWriter?) {
        userInfoValues = userInfo
        self.parent = parent
        state = .allocate(capacity: 1)
        state.initialize(
            to: State(path: path, slot: Slot(depth: depth, filled: false, frame: -1, frameID: -1, floor: 0)))
    }

    deinit {
        state.pointee.out.release()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    var codingPath: [any CodingKey] { path.map(\.codingKey) }
    var userInfo: [CodingUserInfoKey: Any] { userInfoValues }

    // MARK: Values and slots

    func encodeTopLevel<T: Encodable>(_ value: T) throws {
        do {
            try encodeInSlot(value)
            try closeFrames(downTo: 0)
        } catch {
            if failure == nil { failure = error }
        }
        if let failure { throw failure }
        guard slot.filled else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
    }

    /// Writes `value` as the value of the entry or element just begun, at `depth`.
    func encodeNested<T: Encodable>(_ value: T, depth: Int, item: JSONPathItem) throws {
        let saved = slot
        let pathCount = path.count
        slot = Slot(depth: depth, filled: false, frame: -1, frameID: -1, floor: frames.count)
        path.append(item)
        do {
            try encodeInSlot(value)
            try closeFrames(downTo: slot.floor)
        } catch {
            if failure == nil { failure = error }
            throw error
        }
        if !slot.filled { writeEmptyObject(depth: depth) }
        path.removeLast(path.count - pathCount)
        slot = saved
    }

    /// The value in the current slot: the types `JSONEncoder` writes in its own way, or the value's encoding.
    func encodeInSlot<T: Encodable>(_ value: T) throws {
        let type = ObjectIdentifier(Swift.type(of: value) as any Any.Type)
        if type == ObjectIdentifier(Data.self), let data = value as? Data {
            try beginSlotValue()
            writeString(data.base64EncodedString())
        } else if type == ObjectIdentifier(URL.self), let url = value as? URL {
            try beginSlotValue()
            writeString(url.absoluteString)
        } else if type == ObjectIdentifier(Decimal.self), let decimal = value as? Decimal {
            try beginSlotValue()
            writeText(decimal.description)
        } else {
            try value.encode(to: self)
        }
    }

    /// Before a scalar is written into the current slot.
    func beginSlotValue() throws {
        if let failure { throw failure }
        if sealed { throw fail("a super encoder was written to after its container went on") }
        if slot.filled { throw fail("a second value was encoded where one value goes") }
        slot.filled = true
    }

    /// Records a misuse and returns it as the error to throw.
    @discardableResult
    func fail(_ message: String) -> any Error {
        let error = EncodingError.invalidValue(
            (), .init(codingPath: codingPath, debugDescription: "JSONTextEncoder: \(message)."))
        if failure == nil { failure = error }
        if sealed, let parent, parent.failure == nil { parent.failure = error }
        return error
    }

    // MARK: Containers

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if let frame = slotFrame(keyType: ObjectIdentifier(Key.self)) {
            return KeyedEncodingContainer(JSONKeyedContainer<Key>(writer: self, frame: frame.index, id: frame.id))
        }
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(writer: self, frame: -1, id: -1))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if let frame = slotFrame(keyType: nil) {
            return JSONUnkeyedContainer(writer: self, frame: frame.index, id: frame.id)
        }
        return JSONUnkeyedContainer(writer: self, frame: -1, id: -1)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { JSONSingleValueContainer(writer: self) }

    /// The frame of the current slot's container: opened now, or the one opened before of the same kind.
    private func slotFrame(keyType: ObjectIdentifier?) -> (index: Int, id: Int)? {
        if failure != nil { return nil }
        if sealed {
            fail("a super encoder was written to after its container went on")
            return nil
        }
        if !slot.filled {
            slot.filled = true
            let opened = pushFrame(keyType: keyType, depth: slot.depth, pathItem: nil)
            if let opened {
                slot.frame = opened.index
                slot.frameID = opened.id
            }
            return opened
        }
        let index = slot.frame
        if index >= 0, index < frames.count, frames[index].id == slot.frameID,
            frames[index].isObject == (keyType != nil)
        {
            return (index, slot.frameID)
        }
        fail("a container was asked for where a value was already encoded")
        return nil
    }

    /// Opens an object or array at `depth`; nil beyond `JSONEncoder`'s nesting limit (512).
    func pushFrame(keyType: ObjectIdentifier?, depth: Int, pathItem: JSONPathItem?) -> (index: Int, id: Int)? {
        let object = keyType != nil
        guard depth + 1 < 512 else {
            fail("more than 512 nested arrays or objects")
            return nil
        }
        let restore = path.count
        if let pathItem { path.append(pathItem) }
        let id = nextID
        nextID += 1
        frames.append(
            Frame(
                id: id, isObject: object, keyType: keyType, depth: depth, firstEntry: entryKeys.count, count: 0,
                pathCount: path.count,
                pathRestore: restore, hasPending: false))
        out.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        out.append(UInt8(ascii: "\n"))
        return (frames.count - 1, id)
    }

    /// Makes `frame` the innermost open frame, closing the nested ones a `Codable` type has finished with.
    @inline(__always)
    func enter(_ frame: Int, _ id: Int) throws {
        if frame == frames.count - 1, frame >= slot.floor, failure == nil, frames[frame].id == id,
            !frames[frame].hasPending
        {
            return
        }
        try enterSlowly(frame, id)
    }

    private func enterSlowly(_ frame: Int, _ id: Int) throws {
        if let failure { throw failure }
        if sealed { throw fail("a super encoder was written to after its container went on") }
        guard frame >= 0, frame < frames.count, frames[frame].id == id else {
            throw fail("a container was written to after its parent container or a later one was")
        }
        guard frame >= slot.floor else {
            throw fail("a value's encode(to:) wrote to a container of an enclosing value")
        }
        try closeFrames(downTo: frame + 1)
        try takePending(frame)
    }

    /// Writes the value a super encoder of the frame's last entry holds (`{}` when it encoded nothing).
    private func takePending(_ frame: Int) throws {
        guard frames[frame].hasPending else { return }
        frames[frame].hasPending = false
        guard let writer = pending.removeValue(forKey: frames[frame].id) else { return }
        try writer.closeFrames(downTo: 0)
        writer.sealed = true
        if let error = writer.failure {
            if failure == nil { failure = error }
            throw error
        }
        if writer.slot.filled {
            writer.out.withBuffer { out.append(contentsOf: $0) }
        } else {
            writeEmptyObject(depth: writer.slot.depth)
        }
    }

    /// Begins an entry of an object: separator, indentation, key. Returns the frame's depth.
    @inline(__always)
    func beginEntry(_ frame: Int, _ id: Int, key: String) throws -> Int {
        try enter(frame, id)
        if frames[frame].count > 0 { writeASCII(",\n") }
        frames[frame].count += 1
        entryKeys.append(key)
        entryStarts.append(out.count)
        let depth = frames[frame].depth
        writeIndent(depth + 1)
        writeString(key)
        writeASCII(" : ")
        return depth
    }

    /// Begins an element of an array: separator, indentation. Returns the frame's depth and the element's index.
    @inline(__always)
    func beginElement(_ frame: Int, _ id: Int) throws -> (depth: Int, index: Int) {
        try enter(frame, id)
        let index = frames[frame].count
        if index > 0 { writeASCII(",\n") }
        frames[frame].count += 1
        let depth = frames[frame].depth
        writeIndent(depth + 1)
        return (depth, index)
    }

    /// A super encoder for the entry or element just begun, at `depth`.
    func superEncoder(frame: Int, depth: Int, item: JSONPathItem) -> any Encoder {
        let writer = JSONTextWriter(
            userInfo: userInfoValues, depth: depth, path: Array(path.prefix(frames[frame].pathCount)) + [item],
            parent: self)
        frames[frame].hasPending = true
        pending[frames[frame].id] = writer
        return writer
    }

    func closeFrames(downTo count: Int) throws {
        while frames.count > count { try closeTop() }
    }

    private func closeTop() throws {
        try takePending(frames.count - 1)
        let frame = frames.removeLast()
        if frame.isObject {
            sortEntries(from: frame.firstEntry, keyType: frame.keyType)
            entryKeys.removeSubrange(frame.firstEntry...)
            entryStarts.removeSubrange(frame.firstEntry...)
        }
        out.append(UInt8(ascii: "\n"))
        writeIndent(frame.depth)
        out.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        if path.count > frame.pathRestore { path.removeLast(path.count - frame.pathRestore) }
    }

    /// Puts the entries of the closing object in key order (the last of equal keys kept), in place.
    private func sortEntries(from first: Int, keyType: ObjectIdentifier?) {
        let end = entryKeys.count
        let count = end - first
        guard count > 1 else { return }
        // Objects of one type mostly have the same keys in the same order: their order is looked up, not sorted.
        // A plan is kept for ASCII keys only, where `==` and an equal UTF-8 length mean the same bytes.
        if let keyType, let plan = plans[keyType], plan.keys.count == count,
            plan.keys.indices.allSatisfy({ j in
                let key = entryKeys[first + j]
                return plan.keys[j] == key && plan.keys[j].utf8.count == key.utf8.count
            })
        {
            if let kept = plan.kept { permute(from: first, kept: kept) }
            return
        }
        // A stable insertion sort of the entries by their keys' UTF-8 bytes (objects have tens of keys).
        var order: [Int] = []
        order.reserveCapacity(count)
        for i in 0..<count {
            var at = order.count
            while at > 0 && Self.compareUTF8(entryKeys[first + i], entryKeys[first + order[at - 1]]) < 0 { at -= 1 }
            order.insert(i, at: at)
        }
        // Of keys with the same bytes (adjacent, in the order they were encoded), the last is kept.
        var kept = order.indices.filter { k in
            k + 1 == order.count || Self.compareUTF8(entryKeys[first + order[k]], entryKeys[first + order[k + 1]]) != 0
        }.map { order[$0] }
        let ascii = entryKeys[first..<end].allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        if !ascii {
            // Keys that differ in bytes but are equal as `String`s (canonically equivalent) are one key to
            // `JSONEncoder`, whose objects are dictionaries: the last is kept.
            var last: [String: Int] = [:]
            for i in 0..<count { last[entryKeys[first + i]] = i }
            if last.count < kept.count { kept = kept.filter { last[entryKeys[first + $0]] == $0 } }
        }
        let inPlace = kept == Array(0..<count)
        if !inPlace { permute(from: first, kept: kept) }
        if let keyType, ascii {
            plans[keyType] = SortPlan(keys: Array(entryKeys[first..<end]), kept: inPlace ? nil : kept)
        }
    }

    /// The order of two strings' UTF-8 bytes (`JSONEncoder`'s key order): negative, zero or positive.
    static func compareUTF8(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                if common > 0, let p = x.baseAddress, let q = y.baseAddress {
                    let c = memcmp(p, q, common)
                    if c != 0 { return Int(c) }
                }
                return x.count - y.count
            }
        }
    }

    /// Rewrites the closing object's entries in place: those at `kept` (relative to `first`), in that order.
    private func permute(from first: Int, kept: [Int]) {
        let end = entryKeys.count
        let regionStart = entryStarts[first]
        let regionEnd = out.count
        scratch.removeAll(keepingCapacity: true)
        out.withBuffer { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: $0[regionStart..<regionEnd])) }
        out.truncate(to: regionStart)
        for (k, relative) in kept.enumerated() {
            if k > 0 { writeASCII(",\n") }
            let i = first + relative
            let from = entryStarts[i] - regionStart
            let to = (i + 1 < end ? entryStarts[i + 1] - 2 : regionEnd) - regionStart
            scratch.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[from..<to])) }
        }
    }

    // MARK: Bytes

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 128)

    @inline(__always)
    func writeIndent(_ depth: Int) {
        var left = 2 * depth
        while left > 0 {
            let n = min(left, Self.spaces.count)
            Self.spaces.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<n])) }
            left -= n
        }
    }

    @inline(__always)
    func writeASCII(_ text: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func writeText(_ text: String) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    func writeEmptyObject(depth: Int) {
        writeASCII("{\n\n")
        writeIndent(depth)
        out.append(UInt8(ascii: "}"))
    }

    func writeString(_ string: String) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            guard let start = bytes.baseAddress else { return }
            let count = bytes.count
            var mark = 0
            var i = 0
            while i < count {
                // Eight bytes at a time while none needs an escape.
                while i + 8 <= count, !Self.needsEscape(UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                }
                guard i < count else { break }
                let byte = start[i]
                i += 1
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") { continue }
                out.append(contentsOf: UnsafeBufferPointer(start: start + mark, count: i - 1 - mark))
                mark = i
                switch byte {
                case UInt8(ascii: "\""): writeASCII("\\\"")
                case UInt8(ascii: "\\"): writeASCII("\\\\")
                case 0x08: writeASCII("\\b")
                case 0x0C: writeASCII("\\f")
                case 0x0A: writeASCII("\\n")
                case 0x0D: writeASCII("\\r")
                case 0x09: writeASCII("\\t")
                default:
                    writeASCII("\\u00")
                    out.append(Self.hex[Int(byte >> 4)])
                    out.append(Self.hex[Int(byte & 0x0F)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(start: start + mark, count: count - mark))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes is below 0x20, `"` or `\` (bytes from 0x80 never are).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ w: UInt64) -> UInt64 { (w &- ones) & ~w & highs }
        let control = (word &- 0x20 &* ones) & ~word & highs
        return control | hasZero(word ^ (0x22 &* ones)) | hasZero(word ^ (0x5C &* ones)) != 0
    }

    private static let hex = Array("0123456789abcdef".utf8)

    func writeBool(_ value: Bool) { value ? writeASCII("true") : writeASCII("false") }

    func writeInteger<I: FixedWidthInteger>(_ value: I) {
        if I.bitWidth <= 64 {
            // Digits from the end of a 20-byte buffer (UInt64.max has 20).
            var magnitude = UInt64(value.magnitude)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { buffer in
                var at = 21
                repeat {
                    at -= 1
                    buffer[at] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
                if value < 0 {
                    at -= 1
                    buffer[at] = UInt8(ascii: "-")
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[at..<21]))
            }
        } else {
            writeText(value.description)
        }
    }

    /// `description` without a trailing `.0`; NaN and infinities throw as `JSONEncoder` throws.
    func writeFloat<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) throws {
        guard value.isFinite else { throw nonFinite(value, at: codingPath) }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        writeText(text)
    }

    /// The error `JSONEncoder` throws for a number JSON cannot hold, at `path`.
    func nonFinite<F: BinaryFloatingPoint>(_ value: F, at path: [any CodingKey]) -> any Error {
        let error = EncodingError.invalidValue(
            value, .init(codingPath: path, debugDescription: "Unable to encode \(F.self).\(value) directly in JSON."))
        if failure == nil { failure = error }
        return error
    }

    /// The coding path of a container: its frame's, or the encoder's when the frame is gone.
    func containerPath(_ frame: Int, _ id: Int) -> [any CodingKey] {
        guard frame >= 0, frame < frames.count, frames[frame].id == id else { return codingPath }
        return path.prefix(frames[frame].pathCount).map(\.codingKey)
    }
}

/// An object's container: each entry is written as it is encoded.
struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONTextWriter
    let frame: Int
    let id: Int

    var codingPath: [any CodingKey] { writer.containerPath(frame, id) }

    mutating func encodeNil(forKey key: Key) throws {
        _ = try writer.beginEntry(frame, id, key: key.stringValue)
        writer.writeASCII("null")
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        _ = try writer.beginEntry(frame, id, key: key.stringValue)
        writer.writeBool(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        _ = try writer.beginEntry(frame, id, key: key.stringValue)
        writer.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws { try float(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try float(value, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int128, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { try integer(value, key) }

    private func integer<I: FixedWidthInteger>(_ value: I, _ key: Key) throws {
        _ = try writer.beginEntry(frame, id, key: key.stringValue)
        writer.writeInteger(value)
    }

    private func float<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F, _ key: Key) throws {
        guard value.isFinite else { throw writer.nonFinite(value, at: codingPath + [key]) }
        _ = try writer.beginEntry(frame, id, key: key.stringValue)
        try writer.writeFloat(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let depth = try writer.beginEntry(frame, id, key: key.stringValue)
        try writer.encodeNested(value, depth: depth + 1, item: .key(key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        guard let depth = try? writer.beginEntry(frame, id, key: key.stringValue),
            let nested = writer.pushFrame(
                keyType: ObjectIdentifier(NestedKey.self), depth: depth + 1, pathItem: .key(key))
        else { return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(writer: writer, frame: -1, id: -1)) }
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(writer: writer, frame: nested.index, id: nested.id))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        guard let depth = try? writer.beginEntry(frame, id, key: key.stringValue),
            let nested = writer.pushFrame(keyType: nil, depth: depth + 1, pathItem: .key(key))
        else { return JSONUnkeyedContainer(writer: writer, frame: -1, id: -1) }
        return JSONUnkeyedContainer(writer: writer, frame: nested.index, id: nested.id)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: JSONIndexKey.superKey) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        guard let depth = try? writer.beginEntry(frame, id, key: key.stringValue) else { return writer }
        return writer.superEncoder(frame: frame, depth: depth + 1, item: .key(key))
    }
}

/// An array's container: each element is written as it is encoded.
struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: JSONTextWriter
    let frame: Int
    let id: Int

    var codingPath: [any CodingKey] { writer.containerPath(frame, id) }

    var count: Int {
        guard frame >= 0, frame < writer.frames.count, writer.frames[frame].id == id else { return 0 }
        return writer.frames[frame].count
    }

    mutating func encodeNil() throws {
        _ = try writer.beginElement(frame, id)
        writer.writeASCII("null")
    }

    mutating func encode(_ value: Bool) throws {
        _ = try writer.beginElement(frame, id)
        writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        _ = try writer.beginElement(frame, id)
        writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws { try float(value) }
    mutating func encode(_ value: Float) throws { try float(value) }
    mutating func encode(_ value: Int) throws { try integer(value) }
    mutating func encode(_ value: Int8) throws { try integer(value) }
    mutating func encode(_ value: Int16) throws { try integer(value) }
    mutating func encode(_ value: Int32) throws { try integer(value) }
    mutating func encode(_ value: Int64) throws { try integer(value) }
    mutating func encode(_ value: Int128) throws { try integer(value) }
    mutating func encode(_ value: UInt) throws { try integer(value) }
    mutating func encode(_ value: UInt8) throws { try integer(value) }
    mutating func encode(_ value: UInt16) throws { try integer(value) }
    mutating func encode(_ value: UInt32) throws { try integer(value) }
    mutating func encode(_ value: UInt64) throws { try integer(value) }
    mutating func encode(_ value: UInt128) throws { try integer(value) }

    private func integer<I: FixedWidthInteger>(_ value: I) throws {
        _ = try writer.beginElement(frame, id)
        writer.writeInteger(value)
    }

    private func float<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) throws {
        guard value.isFinite else { throw writer.nonFinite(value, at: codingPath + [JSONIndexKey(index: count)]) }
        _ = try writer.beginElement(frame, id)
        try writer.writeFloat(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let (depth, index) = try writer.beginElement(frame, id)
        try writer.encodeNested(value, depth: depth + 1, item: .index(index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        guard let element = try? writer.beginElement(frame, id),
            let nested = writer.pushFrame(
                keyType: ObjectIdentifier(NestedKey.self), depth: element.depth + 1, pathItem: .index(element.index))
        else { return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(writer: writer, frame: -1, id: -1)) }
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(writer: writer, frame: nested.index, id: nested.id))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        guard let element = try? writer.beginElement(frame, id),
            let nested = writer.pushFrame(keyType: nil, depth: element.depth + 1, pathItem: .index(element.index))
        else { return JSONUnkeyedContainer(writer: writer, frame: -1, id: -1) }
        return JSONUnkeyedContainer(writer: writer, frame: nested.index, id: nested.id)
    }

    mutating func superEncoder() -> any Encoder {
        guard let element = try? writer.beginElement(frame, id) else { return writer }
        return writer.superEncoder(frame: frame, depth: element.depth + 1, item: .index(element.index))
    }
}

/// The container of the value being encoded: one scalar, or a value that encodes itself in the same place.
struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let writer: JSONTextWriter

    var codingPath: [any CodingKey] { writer.codingPath }

    mutating func encodeNil() throws {
        try writer.beginSlotValue()
        writer.writeASCII("null")
    }

    mutating func encode(_ value: Bool) throws {
        try writer.beginSlotValue()
        writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try writer.beginSlotValue()
        writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws { try float(value) }
    mutating func encode(_ value: Float) throws { try float(value) }
    mutating func encode(_ value: Int) throws { try integer(value) }
    mutating func encode(_ value: Int8) throws { try integer(value) }
    mutating func encode(_ value: Int16) throws { try integer(value) }
    mutating func encode(_ value: Int32) throws { try integer(value) }
    mutating func encode(_ value: Int64) throws { try integer(value) }
    mutating func encode(_ value: Int128) throws { try integer(value) }
    mutating func encode(_ value: UInt) throws { try integer(value) }
    mutating func encode(_ value: UInt8) throws { try integer(value) }
    mutating func encode(_ value: UInt16) throws { try integer(value) }
    mutating func encode(_ value: UInt32) throws { try integer(value) }
    mutating func encode(_ value: UInt64) throws { try integer(value) }
    mutating func encode(_ value: UInt128) throws { try integer(value) }

    private func integer<I: FixedWidthInteger>(_ value: I) throws {
        try writer.beginSlotValue()
        writer.writeInteger(value)
    }

    private func float<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) throws {
        guard value.isFinite else { throw writer.nonFinite(value, at: codingPath) }
        try writer.beginSlotValue()
        try writer.writeFloat(value)
    }

    /// The value writes itself into this place (`JSONEncoder` writes `{}` for one that encodes nothing).
    mutating func encode<T: Encodable>(_ value: T) throws {
        if let failure = writer.failure { throw failure }
        if writer.slot.filled { throw writer.fail("a second value was encoded where one value goes") }
        try writer.encodeInSlot(value)
        if !writer.slot.filled {
            writer.slot.filled = true
            writer.writeEmptyObject(depth: writer.slot.depth)
        }
    }
}

/// A growing byte buffer without the checks of an array's appends (uniqueness, generic copying): the writer
/// appends a few bytes at a time, millions of times. Its owner releases it.
struct JSONBytes {
    private var base: UnsafeMutablePointer<UInt8>?
    private(set) var count = 0
    private var capacity = 0

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(count + 1) }
        base.unsafelyUnwrapped[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(count + bytes.count) }
        (base.unsafelyUnwrapped + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    private mutating func grow(_ needed: Int) {
        let grown = max(needed, 2 * capacity, 4096)
        guard let memory = realloc(base, grown) else { fatalError("JSONTextEncoder: out of memory (\(grown) bytes)") }
        base = memory.assumingMemoryBound(to: UInt8.self)
        capacity = grown
    }

    /// Keeps the first `count` bytes.
    mutating func truncate(to count: Int) { self.count = min(count, self.count) }

    func withBuffer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    var array: [UInt8] { withBuffer { Array($0) } }

    mutating func release() {
        free(base)
        base = nil
        count = 0
        capacity = 0
    }
}
