import SyncSchemaCore
import SyncSchemaGraph

/// The options that guard writes, shared by apply, restore and promote.
enum ApplyOptions {
    static let autoApprove = OptionSpec(
        "--auto-approve", help: "Apply without asking (protected environments also need --confirm-env).")
    static let allowDestructive = OptionSpec(
        "--allow-destructive", help: "Allow removing attributes, mappings, object mappings or scoping groups.")
    static let confirmEnvironment = OptionSpec(
        "--confirm-env", .value(placeholder: "ENV"),
        help: "Name a protected environment again to apply to it with --auto-approve.")

    static let all = [autoApprove, allowDestructive, confirmEnvironment]
}

/// Applies a plan safely: refuses destructive or unapproved changes, snapshots live before the
/// PUT, PUTs exactly the planned document, reads live back and verifies it, and — when anything
/// fails — finds out and says whether live is unchanged or already the desired schema.
struct Applier {
    let workspace: Workspace
    let arguments: ParsedArguments
    /// Print each plan as soon as it is approved (one target at a time); otherwise everything is
    /// kept in the outcome and printed in target order after all targets finish.
    var streaming = true

    var context: CommandContext { workspace.context }

    /// Applies `plan` to `target`. `expectedHash` is the fingerprint live must still have.
    func apply(_ plan: Plan, target: Target, location: JobLocation) async -> UnitOutcome {
        var outcome = UnitOutcome()
        let label = target.label
        outcome.output = PlanRenderer.text(plan, color: context.colorEnabled)
        guard plan.hasChanges else {
            outcome.output += "Nothing to apply to \(label).\n"
            return outcome
        }
        if plan.isDestructive && !arguments.flag("--allow-destructive") {
            let removed = plan.changes.filter { $0.action == .remove }.map(RiskRules.describe).joined(separator: ", ")
            outcome.errors = [
                "\(label): refusing to remove \(removed); review the plan and re-run with --allow-destructive"
            ]
            outcome.exitCode = ExitCode.failure
            return outcome
        }
        if let refusal = approval(for: target, plan: plan, before: outcome.output) {
            outcome.errors = [refusal]
            outcome.exitCode = ExitCode.failure
            return outcome
        }
        if streaming {
            // Interactive runs go one target at a time: show the plan before the write starts.
            context.out(outcome.output)
            outcome.output = ""
        }
        let snapshot: String
        do {
            snapshot = try workspace.writeSnapshot(plan.live, environment: target.environmentName, app: target.app.name)
            outcome.output += "snapshot of live \(label) saved to \(snapshot)\n"
        } catch {
            outcome.errors = [
                "\(label): cannot save the snapshot before writing, so nothing was applied: \(Workspace.message(for: error))"
            ]
            outcome.exitCode = ExitCode.failure
            return outcome
        }
        do {
            try await target.client.putSchema(
                servicePrincipalID: location.servicePrincipalID, jobID: location.jobID, schema: plan.document)
        } catch {
            outcome.errors = [
                await diagnoseFailedWrite(error, plan: plan, target: target, location: location, snapshot: snapshot)
            ]
            outcome.exitCode = ExitCode.failure
            return outcome
        }
        let after: JSONValue
        do {
            after = try await target.client.getSchema(
                servicePrincipalID: location.servicePrincipalID, jobID: location.jobID)
        } catch {
            outcome.errors = [
                "\(label): the schema was written, but reading it back to verify failed: \(Workspace.message(for: error)); run `syncschema plan --env \(target.environmentName) --app \(target.app.name)` to check"
            ]
            outcome.exitCode = ExitCode.failure
            return outcome
        }
        let (add, change, remove) = plan.summary
        let differences = serviceDifferences(expected: plan.document, actual: after)
        if differences.isEmpty {
            outcome.output +=
                "Applied to \(label): \(add) added, \(change) changed, \(remove) removed. Live now matches the plan.\n"
        } else {
            outcome.output += "Applied to \(label): \(add) added, \(change) changed, \(remove) removed.\n"
            outcome.warnings = [
                "\(label): the service stored \(differences.count) thing(s) differently from what was sent: "
                    + differences.prefix(5).map {
                        "\(RiskRules.describe($0)) (\($0.properties.map(\.key).joined(separator: ", ")))"
                    }
                    .joined(separator: "; ") + "; run `syncschema pull` to take them into the schema file"
            ]
        }
        return outcome
    }

    /// Differences between what was PUT and what the service now returns, as a plan would show them.
    func serviceDifferences(expected: JSONValue, actual: JSONValue) -> [Change] {
        let normalizer = workspace.toolkit.normalizer
        guard let wanted = try? normalizer.normalize(expected), let stored = try? normalizer.normalize(actual) else {
            return []
        }
        return SchemaDiff.changes(live: wanted, desired: stored)
    }

    /// After a failed PUT: read live again and say which state it is in.
    func diagnoseFailedWrite(_ error: Error, plan: Plan, target: Target, location: JobLocation, snapshot: String) async
        -> String
    {
        let label = target.label
        let reason = Workspace.message(for: error)
        guard
            let now = try? await target.client.getSchema(
                servicePrincipalID: location.servicePrincipalID, jobID: location.jobID)
        else {
            return
                "\(label): writing the schema failed (\(reason)) and live could not be read back, so its state is unknown; run `syncschema plan --env \(target.environmentName) --app \(target.app.name)` when Graph answers again. The schema before this run is saved in \(snapshot)."
        }
        if Plan.fingerprint(now) == plan.liveHash {
            return "\(label): writing the schema failed (\(reason)); live is unchanged. "
                + (Self.isTransient(error)
                    ? "Re-run apply when Graph answers again." : "Fix the cause above and re-run apply.")
        }
        if serviceDifferences(expected: plan.document, actual: now).isEmpty {
            return
                "\(label): the write reported an error (\(reason)), but live now matches the plan: the change is applied."
        }
        return
            "\(label): writing the schema failed (\(reason)) and live has changed since the plan (another writer?); review with `syncschema plan`, or go back with `syncschema restore --env \(target.environmentName) --app \(target.app.name) --from \(snapshot)`."
    }

    /// `nil` when the change may go ahead, otherwise why not.
    func approval(for target: Target, plan: Plan, before output: String) -> String? {
        let name = target.environmentName
        if arguments.flag("--auto-approve") {
            if target.environment.isProtected, arguments.value("--confirm-env") != name {
                return
                    "\(target.label): environment '\(name)' is protected: --auto-approve also needs --confirm-env \(name)"
            }
            return nil
        }
        guard context.environment.isInputTerminal else {
            return
                "\(target.label): not applying without confirmation; standard input is not a terminal, so pass --auto-approve (and --confirm-env \(name) for a protected environment)"
        }
        context.out(output)
        let expected = target.environment.isProtected ? name : "yes"
        context.out("\nApply these changes to \(target.label)? Type '\(expected)' to confirm: ")
        let answer = context.environment.readLine()?.trimmed
        if answer == expected { return nil }
        return "\(target.label): not applied (confirmation was not '\(expected)')"
    }

    /// Whether a failed write is worth simply retrying later (throttling, server errors, the
    /// network), as opposed to a refusal that needs a change first (403, 400).
    static func isTransient(_ error: Error) -> Bool {
        guard let error = error as? GraphError else { return false }
        switch error {
        case .http(let failure): return failure.status == 429 || failure.status == 408 || failure.status >= 500
        case .transport: return true
        default: return false
        }
    }
}
