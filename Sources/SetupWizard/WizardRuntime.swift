import FoundationEssentials
import SetupKit
import Synchronization
import TFEClient

/// What the runtime needs from the outside world, injected so tests control it.
package struct WizardServices: Sendable {
    package var client: TFEClient
    package var draftStore: DraftStore?
    /// Where "save these answers" writes (the working directory).
    package var answersDirectory: String
    /// The wall clock, for the draft's time stamp.
    package var now: @Sendable () -> Date
    /// Called with the typed SMTP password before it is sent, so the log scrubs it from every line
    /// (whatever key or message it might turn up under).
    package var registerSecret: @Sendable (SecretString) -> Void
    /// The home folder whose `.terraform.d/credentials.tfrc.json` takes a first admin's token
    /// (nil: a first install cannot store one, and says so before creating the admin).
    package var credentialsHome: String?
    /// Where the run locks live (`RunLock.directory`); nil: no lock is taken (tests, the demo's
    /// own sandbox).
    package var runLockDirectory: String?
    /// Where a renewed token goes, proven writable, or why it cannot go anywhere (the front end
    /// knows where the token came from); nil: this front end cannot renew.
    /// It is given the token in use (the one replaced).
    package var renewalDestination: (@Sendable (SecretString) -> Result<TokenDestination, TokenRenewal.Refusal>)?

    package init(client: TFEClient, draftStore: DraftStore?, answersDirectory: String, now: @escaping @Sendable () -> Date = { Date() },
                registerSecret: @escaping @Sendable (SecretString) -> Void = { _ in }, credentialsHome: String? = nil) {
        self.credentialsHome = credentialsHome
        self.client = client
        self.draftStore = draftStore
        self.answersDirectory = answersDirectory
        self.now = now
        self.registerSecret = registerSecret
    }
}

/// Runs the wizard: feeds events to `Wizard.update`, executes the commands it returns through
/// SetupKit, and feeds their answers back as events. The only place with side effects.
package actor WizardRuntime {
    package private(set) var state: WizardState
    /// Set when the wizard has finished: the exit code and the message to print.
    package private(set) var exit: (code: Int32, message: String)?
    /// Every command run, in order (tests read it).
    package private(set) var commands: [WizardEffect] = []
    /// Yields after every change of state, so a front end knows to redraw.
    package nonisolated let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation
    /// The outside world; its client changes once, when a first install has made an admin.
    private var services: WizardServices
    private var tasks: [UUID: Task<Void, Never>] = [:]
    /// The run locks taken at the first apply (one per organization applied), held to the end.
    private var runLocks: [String: RunLock] = [:]

    package init(config: WizardConfig, services: WizardServices) {
        self.services = services
        let (state, _) = Wizard.start(config)
        self.state = state
        (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs the start-up commands (once: a second call does nothing).
    package func start() {
        guard !started else { return }
        started = true
        run(Wizard.start(state.config).1)
    }
    private var started = false

    /// Applies one event and runs the commands it produces.
    package func send(_ event: WizardEvent) {
        let commands = Wizard.update(&state, event)
        changed.yield()
        run(commands)
    }

    /// Takes the run lock of this server and organization (a fleet: the server's) before the first
    /// write, once; nil when taken (or none is kept), else why not, for a person.
    private func takeRunLock(organization: String?) -> String? {
        guard let directory = services.runLockDirectory else { return nil }
        let key = organization ?? ""
        if runLocks[key] != nil { return nil }
        do {
            runLocks[key] = try RunLock.take(address: services.client.configuration.address, organization: organization,
                                             directory: directory, waitingUpTo: 0)
            return nil
        } catch {
            return error.description
        }
    }

    /// Cancels work in flight (at exit).
    package func shutdown() {
        for t in tasks.values { t.cancel() }
        changed.finish()
    }

    private func run(_ list: [WizardEffect]) {
        for command in list {
            commands.append(command)
            execute(command)
        }
    }

    /// Runs work in a task of its own; the task is forgotten when it has delivered its event.
    private func spawn(_ work: @escaping @Sendable () async -> WizardEvent) {
        let id = UUID()
        tasks[id] = Task { [weak self] in
            let event = await work()
            await self?.finished(id, event)
        }
    }

    private func forget(_ id: UUID) { tasks[id] = nil }

    /// From here on every request carries the first admin's token: the flow's client is that
    /// admin's, without a restart.
    private func connect(token: SecretString) { services.client = services.client.using(token: token) }

    private func finished(_ id: UUID, _ event: WizardEvent) {
        tasks[id] = nil
        send(event)
    }

    private func execute(_ command: WizardEffect) {
        let services = self.services
        let address = state.config.address
        let wording = state.config.wording
        switch command {
        case .loadOrganizations:
            spawn {
                do throws(TFEError) {
                    // The list with each organization's mode, switch, permissions and entitlements:
                    // what the picker shows and a baseline plans from, in one read per page.
                    // A site admin sees every organization of the installation.
                    let account = try await services.client.accountDetails()
                    return .organizationsLoaded(.success(try await FleetDirectory.organizations(client: services.client, account: account)))
                } catch {
                    return .organizationsLoaded(.failure(error))
                }
            }
        case .loadState(let organization):
            spawn {
                let draft = services.draftStore?.load(address: address, organization: organization)
                do throws(TFEError) {
                    // The settings only: the screens appear after one round trip, and the wizard
                    // asks for the tokens next (`.loadTokens`) when the TTLs can be changed.
                    return .stateLoaded(.success(try await StateLoader.load(client: services.client, organization: organization)), draft: draft)
                } catch {
                    return .stateLoaded(.failure(error), draft: draft)
                }
            }
        case .loadTokens(let current):
            spawn { .tokensLoaded(organization: current.organization.name, await StateLoader.readTokens(client: services.client, state: current)) }
        case .apply(let plan, let steps):
            // Another run on this machine changing the same organization: nothing is sent, each
            // step says why, and `r` tries again once it has ended.
            if let refusal = takeRunLock(organization: plan.organization) {
                for step in steps {
                    send(.stepFinished(StepResult(step: step, fields: plan.fields(of: step), outcome: .failed(.configuration("Not sent: " + refusal, remedy: .waitForOtherRun)), wording: wording)))
                }
                return
            }
            if let password = plan.smtp?.password { services.registerSecret(password) }
            let applier = Applier(client: services.client, wording: wording)
            // Stage by stage (a stage's requests at the same time); each answer as it comes.
            let id = UUID()
            tasks[id] = Task { [weak self] in
                var results: [StepResult] = []
                await applier.apply(plan, steps: steps) { result in
                    results.append(result)
                    await self?.send(.stepFinished(result))
                }
                // Accepted on the Review: a read says whether the server now rejects this token
                // (the Result waits for it, so it never offers a retry that would get 401s).
                if LockoutCheck.isDue(locksOutToken: plan.locksOutToken, results: results) {
                    await self?.send(.lockoutChecked(await LockoutCheck.verify(services.client, organization: plan.organization)))
                }
                await self?.forget(id)
            }
        case .loadSiteWide:
            spawn {
                do throws(TFEError) {
                    return .siteWideLoaded(.success(try await StateLoader.loadSiteWide(client: services.client)))
                } catch {
                    return .siteWideLoaded(.failure(error))
                }
            }
        case .planFleet(let baseline, let names):
            spawn {
                let client = services.client
                do throws(TFEError) {
                    let ping = try await client.ping()
                    let account = try await client.accountDetails()
                    let wanted = Set(names)
                    // Those that cannot be read are planned as such, not dropped.
                    let listing = try await FleetDirectory.listing(client: client, account: account, only: wanted, wording: wording)
                    // Progress for the planning screen: count, rate and time left, at most four times a second.
                    let started = Date()
                    let last = Mutex(Date.distantPast)
                    let plan = await FleetPlanner.plan(baseline, listing: listing, client: client, ping: ping, account: account, wording: wording, tokens: true) { done, total in
                        let now = Date()
                        let due = last.withLock { at in
                            guard now.timeIntervalSince(at) >= 0.25 else { return false }
                            at = now
                            return true
                        }
                        guard due else { return }
                        let figures = FleetProgressFigures(done: done, total: total, writes: done, elapsed: now.timeIntervalSince(started))
                        Task { [weak self] in await self?.send(.fleetPlanProgress(figures)) }
                    }
                    return .fleetPlanned(.success(FleetPlanned(plan: plan, organizations: listing.organizations, pace: await client.limiter?.pace ?? RateLimiter.defaultPace)))
                } catch {
                    return .fleetPlanned(.failure(error))
                }
            }
        case .applyFleet(let plan):
            // Each organization's outcome in the order it comes, then the end: through one stream,
            // so the end never overtakes an outcome.
            let (outcomes, sink) = AsyncStream.makeStream(of: WizardEvent.self)
            let started = Date()
            let id = UUID()
            tasks[id] = Task { [weak self] in
                let applying = Task {
                    let (done, notStarted) = await FleetApplier.apply(plan, client: services.client, wording: wording, shouldStop: { Task.isCancelled }) { outcome in
                        sink.yield(.fleetProgress(outcome, elapsed: Date().timeIntervalSince(started)))
                    }
                    // Accepted on the Review: where a policy that rejects this token was saved, a
                    // read says whether the server now refuses it (before the Result shows).
                    let lockedOut = Set(plan.lockedOut)
                    if !Task.isCancelled, let org = done.first(where: { outcome in
                        LockoutCheck.isDue(locksOutToken: lockedOut.contains(outcome.organization), results: outcome.results)
                    })?.organization {
                        sink.yield(.lockoutChecked(await LockoutCheck.verify(services.client, organization: org)))
                    }
                    sink.yield(.fleetFinished(notStarted: notStarted))
                    sink.finish()
                }
                await withTaskCancellationHandler {
                    for await event in outcomes { await self?.send(event) }
                } onCancel: {
                    applying.cancel()
                }
                await self?.forget(id)
            }
        case .waitForServer(let deadline):
            // Each answer as it comes (a late one after the 200 is ignored by the reducer).
            spawn { [self] in
                do throws(TFEError) {
                    try await services.client.waitUntilReady(deadline: deadline, interval: 1) { waited, answer in
                        Task { await self.send(.serverWaiting(answer: answer, waited: Int(waited))) }
                    }
                    return .serverReady(nil)
                } catch {
                    return .serverReady(error)
                }
            }
        case .fetchIACT:
            spawn {
                do throws(TFEError) {
                    let iact = try await services.client.retrieveIACT()
                    services.registerSecret(iact)
                    return .iactFetched(.success(iact))
                } catch {
                    return .iactFetched(.failure(error))
                }
            }
        case .createAdmin(let admin):
            guard let home = services.credentialsHome else {
                send(.credentialsUnwritable("no home folder to store it in"))
                return
            }
            // A token the credentials file cannot take after all goes beside the draft, in the state folder.
            let slot: CredentialsSlot
            do {
                slot = try FirstAdminCreation.prepare(for: services.client, home: home, environment: ProcessInfo.processInfo.environment,
                                                      rescueFolder: services.draftStore.map { PathText.deletingLastComponent($0.path) })
            } catch {
                send(.credentialsUnwritable(error.description))
                return
            }
            spawn { [self] in
                switch await FirstAdminCreation.create(admin, client: services.client, slot: slot, register: services.registerSecret) {
                case .failed(let error):
                    return .adminCreated(.failure(error))
                case .created(let token, let placement):
                    await self.connect(token: token)
                    var created = AdminCreated(username: admin.username, email: admin.email, credentialsPath: nil)
                    switch placement {
                    case .stored(let path):
                        created.credentialsPath = path
                    case .rescued(let path, let reason):
                        created.credentialsPath = path
                        created.storeProblem = "Its token could not be stored in \(slot.path) (\(reason)); it was written to \(path) (mode 0600) instead: move its entry for \(slot.host) into \(slot.path)."
                    case .lost(let reason):
                        created.storeProblem = reason
                    case .helper(let name):
                        created.credentialsPath = "the credentials helper \(name)"
                    }
                    return .adminCreated(.success(created))
                }
            }
        case .createOrganization(let name, let email):
            spawn {
                do throws(TFEError) {
                    return .organizationCreated(.success(try await services.client.createOrganization(name: name, email: email).name))
                } catch {
                    return .organizationCreated(.failure(error))
                }
            }
        case .loadWithoutOrganization(let reason):
            spawn {
                do throws(TFEError) {
                    return .stateLoaded(.success(try await StateLoader.loadSiteWide(client: services.client, noOrganization: reason)), draft: nil)
                } catch {
                    return .stateLoaded(.failure(error), draft: nil)
                }
            }
        case .renewToken(let userID, let cap):
            guard let destination = services.renewalDestination?(services.client.configuration.token) else {
                send(.tokenRenewed(.failure(RenewalFailure("this front end has nowhere to store a new token"))))
                return
            }
            let prepared: TokenDestination
            switch destination {
            case .success(let d): prepared = d
            case .failure(let refusal):
                send(.tokenRenewed(.failure(RenewalFailure(refusal.description))))
                return
            }
            spawn { [self] in
                switch await TokenRenewal.renew(client: services.client, userID: userID, capMilliseconds: cap, destination: prepared,
                                                register: services.registerSecret) {
                case .renewed(let created, let place):
                    // From here on every request goes with the new token.
                    await self.connect(token: created.token)
                    return .tokenRenewed(.success(RenewedToken(record: created.record, place: place)))
                case .failed(let why):
                    return .tokenRenewed(.failure(RenewalFailure(why)))
                case .stranded(let why):
                    return .tokenRenewed(.failure(RenewalFailure(why, mayExist: true)))
                }
            }
        case .deleteToken(let id):
            spawn {
                do throws(TFEError) {
                    try await services.client.deleteAuthenticationToken(id: id)
                    return .tokenDeleted(id: id, failure: nil)
                } catch {
                    return .tokenDeleted(id: id, failure: error.description(using: wording))
                }
            }
        case .saveDraft(var draft):
            draft.savedAt = services.now()
            do { try services.draftStore?.save(draft) } catch {
                send(.draftSaveFailed(path: services.draftStore?.path ?? ""))
            }
        case .deleteDraft(let address, let organization):
            services.draftStore?.delete(address: address, organization: organization)
        case .saveAnswers(let fileName, let contents):
            // Nothing at a name is ever replaced, not even a dangling link: the write itself
            // claims the name (`link`), and the next name (`-1`, `-2`, …) is tried when it is taken.
            let base = PathText.appending(services.answersDirectory, fileName)
            let stem = PathText.deletingPathExtension(base), ext = PathText.pathExtension(base)
            let candidates = [base] + (1...99).map { "\(stem)-\($0)" + (ext.isEmpty ? "" : ".\(ext)") }
            let shared = PrivateFile.isWritableByOthers(services.answersDirectory)
            for path in candidates {
                do {
                    try PrivateFile.write(Data(contents.utf8), to: path, replace: false)
                    send(.answersSaved(.success(path), sharedFolder: shared))
                    return
                } catch where error.alreadyExists {
                    continue
                } catch {
                    send(.answersSaved(.failure(AnswersSaveError(error.description))))
                    return
                }
            }
            send(.answersSaved(.failure(AnswersSaveError("\(base) and its numbered variants up to -99 all exist"))))
        case .quit(let code, let message):
            // `update` already ended the phase; the runtime only records the exit.
            exit = (code, message)
            changed.yield()
        }
    }
}
