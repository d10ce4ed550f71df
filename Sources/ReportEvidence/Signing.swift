import Crypto
public import Foundation

/// Ed25519 signatures over a report's exact bytes (ADR 0014). Keys and signatures are small text files:
/// a header line naming what the file is, then the base64 of the raw bytes.
public enum ReportSigning {
    public static let privateHeader = "yardstick ed25519 private key"
    public static let publicHeader = "yardstick ed25519 public key"
    public static let signatureHeader = "yardstick ed25519 signature"

    public struct FileError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new key pair as the texts of the private and the public key file.
    public static func generate() -> (privateKey: String, publicKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (text(privateHeader, key.rawRepresentation), text(publicHeader, key.publicKey.rawRepresentation))
    }

    static func text(_ header: String, _ bytes: Data) -> String { header + "\n" + bytes.base64EncodedString() + "\n" }

    /// The raw bytes of a key or signature file; `file` names it in errors.
    static func decode(_ data: Data, header: String, bytes: Int, file: String) throws -> Data {
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileError(description: "\(file): not a \(header) file (not text)")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        guard lines.first == header else {
            let first = lines.first ?? ""
            let other: String =
                [privateHeader, publicHeader, signatureHeader].contains(first)
                ? "it is a \(first) file" : "its first line must be '\(header)'"
            throw FileError(description: "\(file): not a \(header) file (\(other))")
        }
        guard lines.count == 2, let raw = Data(base64Encoded: lines[1]), raw.count == bytes else {
            throw FileError(
                description: "\(file): malformed \(header): expected one base64 line of \(bytes) bytes after the header"
            )
        }
        return raw
    }

    static func privateKey(_ data: Data, file: String) throws -> Curve25519.Signing.PrivateKey {
        try Curve25519.Signing.PrivateKey(rawRepresentation: decode(data, header: privateHeader, bytes: 32, file: file))
    }

    static func publicKey(_ data: Data, file: String) throws -> Curve25519.Signing.PublicKey {
        try Curve25519.Signing.PublicKey(rawRepresentation: decode(data, header: publicHeader, bytes: 32, file: file))
    }

    /// The signature file's text for a report's bytes.
    public static func sign(_ report: Data, keyFile: Data, keyPath: String) throws -> String {
        let key = try privateKey(keyFile, file: keyPath)
        return text(signatureHeader, try key.signature(for: report))
    }

    /// Whether the signature file holds a valid signature of exactly these bytes under the public key.
    public static func verify(
        _ report: Data, signatureFile: Data, signaturePath: String, publicKeyFile: Data, publicKeyPath: String
    ) throws -> Bool {
        let key = try publicKey(publicKeyFile, file: publicKeyPath)
        let signature = try decode(signatureFile, header: signatureHeader, bytes: 64, file: signaturePath)
        return key.isValidSignature(signature, for: report)
    }
}

/// SHA-256 digests as reports record them (`sha256:<hex>`).
public enum FileDigest {
    public static func sha256(_ data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// `sha256:<hex>` of a file's bytes, read in 1 MiB blocks (imports can be large); nil when it cannot be read.
    public static func sha256(fileAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            // nil or empty at the end of the file.
            while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        } catch {
            return nil
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
