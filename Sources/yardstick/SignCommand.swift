import ArgumentParser
import Foundation
import ReportEvidence

/// `yardstick sign REPORT --key KEY`: writes `REPORT.sig`, an Ed25519 signature of the report's exact bytes.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a report file with an Ed25519 private key (yardstick keygen makes one); writes REPORT.sig.",
        discussion: "Check with: yardstick verify --signature REPORT.sig --public-key KEY.pub REPORT"
    )

    @Argument(help: "The report file to sign (any format; its bytes are signed as they are).")
    var report: String

    @Option(name: .long, help: "The private key file.")
    var key: String

    @Option(name: .shortAndLong, help: "Where to write the signature (default: REPORT.sig).")
    var output: String?

    func run() throws {
        try Frontend.run {
            let bytes = try VerifyCommand.read(report, what: "report")
            let keyData = try VerifyCommand.read(key, what: "private key file")
            let text: String
            do {
                text = try ReportSigning.sign(bytes, keyFile: keyData, keyPath: key)
            } catch let error as ReportSigning.FileError {
                throw CLIError(error.description)
            }
            let path = output ?? report + ".sig"
            try OutputFile(path: path).commit(text)
            Terminal.writeStderr("signed \(report): \(path)\n")
        }
    }
}

/// `yardstick keygen --private KEY --public KEY.pub`: a new Ed25519 key pair.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 key pair for yardstick sign and yardstick verify --signature."
    )

    @Option(name: .customLong("private"), help: "Where to write the private key (readable by its owner only).")
    var privateKey: String

    @Option(
        name: .customLong("public"), help: "Where to write the public key (default: the private key's path + .pub).")
    var publicKey: String?

    func run() throws {
        try Frontend.run {
            let publicPath = publicKey ?? privateKey + ".pub"
            for path in [privateKey, publicPath] where FileManager.default.fileExists(atPath: path) {
                throw CLIError("\(path): already exists; keygen does not overwrite a key")
            }
            let pair = ReportSigning.generate()
            let file = try OutputFile(path: privateKey)
            guard file.restrictToOwner() else {
                throw CLIError("\(privateKey): cannot restrict the key file to its owner")
            }
            try file.commit(pair.privateKey)
            try OutputFile(path: publicPath).commit(pair.publicKey)
            Terminal.writeStderr("wrote \(privateKey) (private, keep it secret) and \(publicPath) (public)\n")
        }
    }
}
