import FoundationEssentials
import TFEClient

/// The lock a run takes before the reads its writes are based on, so two runs on this machine
/// never plan from the same state and then both write (each would leave a mix of the two files).
///
/// A run on one organization holds the server's lock shared and the organization's exclusive;
/// a run on many organizations holds the server's exclusive. So two runs on two organizations go
/// side by side, and anything else waits or stops at once, naming the holder. The locks live in
/// `${XDG_STATE_HOME:-~/.local/state}/tfe-setup/locks/`: a run on another machine, or under
/// another HOME, cannot be seen (nothing on the server says a change is under way).
package struct RunLock: Sendable {
    private let locks: [FileLock]

    /// Why the lock was not taken, for a person.
    package struct Refusal: Error, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// The folder of the lock files.
    package static func directory(environment: [String: String], home: String) -> String {
        StateFolder.path(environment: environment, home: home) + "/locks"
    }

    /// A file name for a server (and an organization): `https_tfe.example.com_443`, IPv6 colons
    /// and brackets as `_`, nothing a path could misread.
    package static func fileName(_ address: URL, organization: String?) -> String {
        let scheme = (address.scheme ?? "https").lowercased()
        let port = address.port ?? (scheme == "http" ? 80 : 443)
        let host = HostName.written(in: address).lowercased()
        var name = "\(scheme)_\(host)_\(port)"
        if let organization { name += "__" + organization }
        return String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "_" }) + ".lock"
    }

    /// Takes the run's locks, waiting up to `seconds` for a holder to let go.
    /// - Parameter organization: nil for a run on many organizations (the server's lock alone,
    ///   exclusive).
    /// - Throws: `Refusal`, naming the holder (process, command, since when) and what to do.
    package static func take(address: URL, organization: String?, directory: String, waitingUpTo seconds: Double) throws(Refusal) -> RunLock {
        do {
            try PrivateFile.makePrivateDirectory(directory)
        } catch {
            throw Refusal(description: "cannot make the lock folder \(directory): \(error.description)")
        }
        let server = directory + "/" + fileName(address, organization: nil)
        var taken: [FileLock] = []
        do {
            taken.append(try FileLock.acquire(server, waitingUpTo: seconds, shared: organization != nil))
            if let organization {
                taken.append(try FileLock.acquire(directory + "/" + fileName(address, organization: organization), waitingUpTo: seconds))
            }
        } catch {
            for lock in taken { lock.release() }
            switch error {
            case .held(_, let holder):
                let what = organization.map { "organization \(SafeText.line($0)) on \(address.absoluteString)" } ?? "the organizations of \(address.absoluteString)"
                throw Refusal(description: "another run on this machine is changing \(what): \(holder?.description ?? "a process that did not say who it is")"
                              + (seconds > 0 ? ", and did not finish within \(Int(seconds)) s" : "") + ".")
            case .unusable(let path, let reason):
                throw Refusal(description: "cannot lock \(path): \(reason)")
            }
        }
        return RunLock(locks: taken)
    }

    /// Lets go (the end of the process does too).
    package func release() { for lock in locks { lock.release() } }
}
