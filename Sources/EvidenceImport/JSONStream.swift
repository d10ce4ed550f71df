internal import Foundation

/// Streams a JSON file whose records sit in one array: the top-level array, or the array under one of
/// `arrayKeys` of a top-level object (`{"workflow_runs": […]}`, Jenkins' `{"builds": […]}`). The file is
/// read in 1 MiB blocks and each record is decoded on its own (JSONSerialization over its bytes), so memory
/// holds one record at a time, whatever the file's size. The other members of a top-level object are
/// decoded whole and returned (a job's name, a page's `total_count`).
///
/// Between records only the structure is checked here (brackets, commas, member names); each record's
/// own syntax is JSONSerialization's. Every error names the line and column of the fault in the file.
struct JSONRecordStream {
    enum Top: Equatable {
        case array
        case object
    }

    let path: String
    let arrayKeys: Set<String>

    init(path: String, arrayKeys: Set<String> = []) {
        self.path = path
        self.arrayKeys = arrayKeys
    }

    /// Calls `body` with each record: the key of the array it is in (nil for a top-level array), its
    /// 0-based index there, and its decoded value. Returns the top-level shape and the other members.
    func read(_ body: (_ key: String?, _ index: Int, _ value: Any) throws -> Void) throws -> (
        top: Top, members: [String: Any]
    ) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError(file: path, "cannot read the file (missing or unreadable)")
        }
        defer { try? handle.close() }
        var input = ByteInput(handle: handle)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        input.skipBOM()
        input.skipSpace()
        switch input.peek() {
        case UInt8(ascii: "["):
            input.advance()
            try streamArray(&input, key: nil, buffer: &buffer, body)
            try end(&input)
            return (.array, [:])
        case UInt8(ascii: "{"):
            input.advance()
            var members: [String: Any] = [:]
            input.skipSpace()
            if input.peek() == UInt8(ascii: "}") {
                input.advance()
                try end(&input)
                return (.object, members)
            }
            while true {
                input.skipSpace()
                guard input.peek() == UInt8(ascii: "\"") else { throw fault(input, "expected a member name") }
                let (line, column) = (input.line, input.column)
                buffer.removeAll(keepingCapacity: true)
                try capture(&input, into: &buffer)
                guard let key = try decode(buffer, line: line, column: column) as? String else {
                    throw fault(input, "expected a member name")
                }
                input.skipSpace()
                guard input.peek() == UInt8(ascii: ":") else { throw fault(input, "expected ':' after a member name") }
                input.advance()
                input.skipSpace()
                if arrayKeys.contains(key) && input.peek() == UInt8(ascii: "[") {
                    input.advance()
                    try streamArray(&input, key: key, buffer: &buffer, body)
                    members[key] = [Any]()  // streamed, not kept
                } else {
                    let (line, column) = (input.line, input.column)
                    buffer.removeAll(keepingCapacity: true)
                    try capture(&input, into: &buffer)
                    members[key] = try decode(buffer, line: line, column: column)
                }
                input.skipSpace()
                switch input.peek() {
                case UInt8(ascii: ","): input.advance()
                case UInt8(ascii: "}"):
                    input.advance()
                    try end(&input)
                    return (.object, members)
                case nil: throw fault(input, "the document ends inside the top-level object (truncated?)")
                default: throw fault(input, "expected ',' or '}' after a member")
                }
            }
        case nil:
            throw ImportError(file: path, "empty file")
        default:
            throw fault(input, "expected a JSON array or object")
        }
    }

    private func streamArray(
        _ input: inout ByteInput, key: String?, buffer: inout [UInt8],
        _ body: (String?, Int, Any) throws -> Void
    ) throws {
        input.skipSpace()
        if input.peek() == UInt8(ascii: "]") {
            input.advance()
            return
        }
        var index = 0
        while true {
            input.skipSpace()
            let (line, column) = (input.line, input.column)
            buffer.removeAll(keepingCapacity: true)
            try capture(&input, into: &buffer)
            try body(key, index, try decode(buffer, line: line, column: column))
            index += 1
            input.skipSpace()
            switch input.peek() {
            case UInt8(ascii: ","): input.advance()
            case UInt8(ascii: "]"):
                input.advance()
                return
            case nil: throw fault(input, "the document ends inside an array (truncated?)")
            default: throw fault(input, "expected ',' or ']' after a record")
            }
        }
    }

    /// Copies the bytes of one JSON value into `buffer`: a bracketed value up to its matching close (strings
    /// respected), a string up to its closing quote, a number or literal up to the next delimiter.
    private func capture(_ input: inout ByteInput, into buffer: inout [UInt8]) throws {
        guard let first = input.peek() else { throw fault(input, "the document ends where a value was expected") }
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == quote {
            var depth = 0
            var inString = false
            var escaped = false
            let done = try input.scan(into: &buffer) { b in
                if inString {
                    if escaped {
                        escaped = false
                    } else if b == backslash {
                        escaped = true
                    } else if b == quote {
                        inString = false
                        return depth == 0
                    }
                    return false
                }
                switch b {
                case quote: inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    return depth == 0
                default: break
                }
                return false
            }
            if !done { throw fault(input, "the document ends inside a value (truncated?)") }
        } else {
            while let b = input.peek(),
                !(b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") || b == 0x20
                    || b == 0x0A || b == 0x0D || b == 0x09)
            {
                buffer.append(b)
                input.advance()
            }
            if buffer.isEmpty { throw fault(input, "expected a value") }
        }
    }

    /// Decodes one value's bytes; a syntax error is placed by line and column in the file.
    private func decode(_ bytes: [UInt8], line: Int, column: Int) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            var text = "\((error as NSError).userInfo["NSDebugDescription"] ?? error)"
            var (l, c) = (line, column)
            // Foundation says "around character N" (a byte offset in what it was given): place it in the file.
            if let range = text.range(of: " around character "),
                let n = Int(text[range.upperBound...].prefix { $0.isNumber })
            {
                for byte in bytes.prefix(n) {
                    if byte == 0x0A {
                        l += 1
                        c = 1
                    } else {
                        c += 1
                    }
                }
                let tail = text[range.upperBound...].drop { $0.isNumber }
                text = String(text[..<range.lowerBound]) + String(tail)
            }
            throw ImportError(file: path, location: "line \(l), column \(c)", "malformed JSON (\(text))")
        }
    }

    private func end(_ input: inout ByteInput) throws {
        input.skipSpace()
        if input.peek() != nil { throw fault(input, "content after the end of the document") }
    }

    private func fault(_ input: ByteInput, _ message: String) -> ImportError {
        ImportError(file: path, location: "line \(input.line), column \(input.column)", "malformed JSON (\(message))")
    }
}

/// A file's bytes in 1 MiB blocks, with the line and column of the next byte.
private struct ByteInput {
    let handle: FileHandle
    var block: [UInt8] = []
    var position = 0
    var finished = false
    var line = 1
    var column = 1

    init(handle: FileHandle) { self.handle = handle }

    mutating func peek() -> UInt8? {
        if position == block.count { refill() }
        return position < block.count ? block[position] : nil
    }

    mutating func advance() {
        if block[position] == 0x0A {
            line += 1
            column = 1
        } else {
            column += 1
        }
        position += 1
    }

    mutating func refill() {
        guard !finished else { return }
        let data = (try? handle.read(upToCount: 1 << 20)) ?? Data()
        if data.isEmpty {
            finished = true
            block = []
        } else {
            block = Array(data)
        }
        position = 0
    }

    mutating func skipSpace() {
        while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { advance() }
    }

    mutating func skipBOM() {
        if peek() == 0xEF, block.count >= position + 3, block[position + 1] == 0xBB, block[position + 2] == 0xBF {
            position += 3
        }
    }

    /// Appends bytes to `buffer` until `stop` returns true for one (included); false at the end of the file.
    /// Runs over whole blocks without per-byte calls to `peek`.
    mutating func scan(into buffer: inout [UInt8], _ stop: (UInt8) -> Bool) throws -> Bool {
        while true {
            if position == block.count { refill() }
            if position == block.count { return false }
            var i = position
            var found = false
            var lines = 0
            var lastNewline = -1
            while i < block.count {
                let b = block[i]
                if b == 0x0A {
                    lines += 1
                    lastNewline = i
                }
                i += 1
                if stop(b) {
                    found = true
                    break
                }
            }
            buffer.append(contentsOf: block[position..<i])
            if lines > 0 {
                line += lines
                column = i - lastNewline
            } else {
                column += i - position
            }
            position = i
            if found { return true }
        }
    }
}
