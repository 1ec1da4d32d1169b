import TFEClient

/// The first admin to create, with the secrets the request needs.
package struct FirstAdmin: Equatable, Sendable {
    package var iact: SecretString
    package var username: String
    package var email: String
    package var password: SecretString

    package init(iact: SecretString, username: String, email: String, password: SecretString) {
        self.iact = iact
        self.username = username
        self.email = email
        self.password = password
    }
}

/// Creating the first admin and storing its token, in one place for the wizard and for `apply`
/// with a bootstrap section: the server shows the token once, after the IACT is spent, so room
/// for it is made on the disk before the request (`prepare`), the request is sent once, and the
/// token is stored at once (`create`). Each front end only words the outcome.
package enum FirstAdminCreation {
    /// What became of the request.
    package enum Outcome: Sendable {
        /// Created: the token (for the running client) and where it was put.
        case created(SecretString, CredentialsSlot.Placement)
        /// Not created, or not known to be: the error says which (a lost answer is unknown).
        case failed(TFEError)
    }

    /// Makes room for the new admin's token in `home`'s credentials file for the client's host,
    /// or says why there is none: then nothing is created whose token would need it.
    package static func prepare(for client: TFEClient, home: String, environment: [String: String], rescueFolder: String? = nil) throws(CredentialsFile.Failure) -> CredentialsSlot {
        try CredentialsSlot.prepare(host: TokenLookup.credentialsHost(for: client.configuration.address), home: home, environment: environment,
                                    rescueFolder: rescueFolder)
    }

    /// Sends `initial-admin-user` once and stores the token in `slot` (the room is given back
    /// when nothing was made). `register` learns each secret before it could reach a log.
    package static func create(_ admin: FirstAdmin, client: TFEClient, slot: CredentialsSlot,
                               register: (SecretString) -> Void) async -> Outcome {
        register(admin.iact)
        register(admin.password)
        defer { slot.discard() }
        do throws(TFEError) {
            let token = try await client.createInitialAdmin(iact: admin.iact, username: admin.username, email: admin.email, password: admin.password)
            register(token)
            return .created(token, slot.store(token))
        } catch {
            return .failed(error)
        }
    }
}

extension CredentialsSlot.Placement {
    /// Where the token is, for "its token is …": nil when it is nowhere.
    package func whereStored(host: String) -> String? {
        switch self {
        case .stored(let path): return "stored in \(path) (credentials for \(host))"
        case .helper(let name): return "stored by the credentials helper \(name) (credentials for \(host))"
        case .rescued(let path, _): return "in \(path) (mode 0600)"
        case .lost: return nil
        }
    }
}

extension CredentialsSlot.Placement {
    /// Why the token is nowhere, when it is.
    package var lostReason: String? {
        if case .lost(let reason) = self { return reason }
        return nil
    }
}
