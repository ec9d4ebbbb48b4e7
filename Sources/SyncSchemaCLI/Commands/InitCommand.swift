import SyncSchemaCore

/// `syncschema init`: scaffold a configuration repository.
enum InitCommand {
    static let spec = CommandSpec(
        name: "init",
        abstract: "Create environments/, schemas/, .gitignore and a CI workflow in this directory.",
        discussion: """
            Writes an example environment (edit its tenant, client id and app locator), a guide to every
            authentication method in environments/README.md, an empty schemas/ directory, a .gitignore,
            a GitHub Actions workflow that plans on pull requests, and the JSON Schemas of both file
            formats under .syncschema/ (referenced by "$schema", so editors validate and complete). Existing files are never overwritten:
            they are listed and kept.
            """,
        options: [
            OptionSpec(
                "--tenant", .value(placeholder: "TENANT"), help: "Tenant id or domain for the example environment."),
            OptionSpec("--env", .value(placeholder: "NAME"), help: "Name of the example environment (default dev)."),
            OptionSpec(
                "--emulator", .value(placeholder: "URL"),
                help:
                    "Point the example environment at a graph-emulator (e.g. http://127.0.0.1:8765) with its demo client."
            ),
        ],
        positionals: [],
        examples: [
            "syncschema init", "syncschema init --tenant contoso.onmicrosoft.com --env dev",
            "syncschema init --env dev --tenant dev --emulator http://127.0.0.1:8765",
        ],
        run: { arguments, context in
            let name = arguments.value("--env") ?? "dev"
            guard AppName.isValid(name) else {
                throw UsageError(
                    message: "'\(name)' is not a usable environment name (letters, digits, - and _)", command: "init")
            }
            let tenant = arguments.value("--tenant") ?? "contoso.onmicrosoft.com"
            let files: [(String, String)] = [
                (
                    "environments/\(name).json",
                    exampleEnvironment(tenant: tenant, name: name, emulator: arguments.value("--emulator"))
                ),
                ("environments/README.md", environmentsGuide),
                ("schemas/README.md", schemasGuide),
                (".gitignore", gitignore),
                (".github/workflows/syncschema.yml", workflow(environment: name)),
                (EditorSchemas.schemaFilePath, JSONWriter().string(JSONSchemas.schemaFile)),
                (EditorSchemas.environmentFilePath, JSONWriter().string(JSONSchemas.environmentFile)),
            ]
            var created = 0
            for (path, text) in files {
                if context.fileSystem.exists(path) {
                    context.out("kept     \(path) (already exists)\n")
                    continue
                }
                try context.fileSystem.writeText(text, to: path)
                context.out("created  \(path)\n")
                created += 1
            }
            context.out(
                created == 0
                    ? "Nothing to do: the project is already set up.\n"
                    : """

                    Next: edit environments/\(name).json (tenant, clientId, the app's service principal and job),
                    set the secret variable it names, then run:
                      syncschema whoami --env \(name)
                      syncschema pull --env \(name)

                    """)
            return ExitCode.success
        })

    static func exampleEnvironment(tenant: String, name: String, emulator: String?) -> String {
        let cloud: JSONValue = emulator.map { ["graph": .string($0), "login": .string($0)] } ?? "global"
        let secret =
            emulator == nil
            ? "SYNCSCHEMA_\(name.uppercased().replacingAll("-", with: "_"))_SECRET" : "SYNCSCHEMA_DEMO_SECRET"
        let value: JSONValue = [
            "$schema": .string(EditorSchemas.environmentFileReference),
            "syncschema": 1,
            "tenant": .string(tenant),
            "cloud": cloud,
            "auth": [
                "method": "client-secret",
                "clientId": emulator == nil ? "00000000-0000-0000-0000-000000000000" : "syncschema-demo",
                "clientSecretEnv": .string(secret),
            ],
            "apps": ["hr-employees": ["servicePrincipal": "HR inbound", "job": "API2AAD"]],
            "variables": emulator == nil ? ["extensionAppId": "00000000-0000-0000-0000-000000000000"] : [:],
            "protected": false,
        ]
        return JSONWriter().string(value)
    }

    static let environmentsGuide = """
        # Environments

        One file per environment: `<name>.json`. It names the tenant, how to sign in, where each app's
        provisioning job lives, and the values of `${variables}` used in `schemas/`. It holds the
        **names** of environment variables that carry secrets, never a secret, so it can be committed.

        ```json
        {
          "syncschema": 1,
          "tenant": "contoso.onmicrosoft.com",
          "cloud": "global",
          "auth": { "method": "client-secret", "clientId": "…", "clientSecretEnv": "SYNCSCHEMA_PROD_SECRET" },
          "apps": { "hr-employees": { "servicePrincipal": "HR inbound", "job": "API2AAD" } },
          "variables": { "extensionAppId": "0b3e51c2-a0b7-4b4e-8c3b-2b1f6f0e9d11" },
          "protected": true
        }
        ```

        - `cloud`: `global`, `usgov`, `usgovdod`, `china`, or `{ "graph": URL, "login": URL }`.
        - `apps.<app>.servicePrincipal`: object id, appId or display name; `job`: job id or template id
          (`API2AAD`, `API2AD`, …). Object id + job id need no lookup requests.
        - `variables.extensionAppId`: the directory extension app id; `extension_${extensionAppId}_name`
          renders without dashes, as Entra names extension attributes.
        - `protected: true`: `apply --auto-approve` also needs `--confirm-env <name>`.

        ## Authentication methods (`auth`)

        | method | fields | notes |
        |---|---|---|
        | `client-secret` | `clientId`, `clientSecretEnv` | the secret comes from the variable named |
        | `workload-identity` | `clientId`, optional `tokenFileEnv` | federated token file (`AZURE_FEDERATED_TOKEN_FILE`): GitHub Actions, Azure Pipelines, AKS |
        | `managed-identity` | optional `clientId` | IMDS or App Service identity endpoint |
        | `azure-cli` | — | `az account get-access-token` after `az login` |
        | `token-env` | `tokenEnv` | a token acquired by an earlier step |
        | `environment` | — | `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` or `AZURE_FEDERATED_TOKEN_FILE`, as Azure's SDKs |
        | `certificate` | `clientId`, `certificateFile`, `privateKeyFile` | private_key_jwt, signed with the system `openssl` |

        Permissions: `Synchronization.Read.All` for pull, plan, drift and snapshot;
        `Synchronization.ReadWrite.All` (or `Application.ReadWrite.OwnedBy`) for apply, restore and promote.

        """

    static let schemasGuide = """
        # Schemas

        `<app>.json` is the desired synchronization schema of one app, shared by every environment.
        Create it with `syncschema pull --env <env> --app <app>`, edit it (or use `syncschema attribute add`
        and `syncschema mapping set`), check it with `syncschema validate`, and review
        `syncschema plan` before `syncschema apply`.

        """

    static let gitignore = """
        # syncschema
        .env
        *.plan.json

        """

    static func workflow(environment: String) -> String {
        let secret = "SYNCSCHEMA_\(environment.uppercased().replacingAll("-", with: "_"))_SECRET"
        return """
            # Plans every pull request against \(environment) and posts the plan; applies on merge to main.
            # See docs/ci.md of syncschema for workload identity federation (no secret at all).
            name: syncschema
            on:
              pull_request:
                paths: ["schemas/**", "environments/**"]
              push:
                branches: [main]
                paths: ["schemas/**", "environments/**"]
            permissions:
              contents: read
              pull-requests: write
            jobs:
              plan:
                if: github.event_name == 'pull_request'
                runs-on: ubuntu-latest
                env:
                  \(secret): ${{ secrets.\(secret) }}
                steps:
                  - uses: actions/checkout@v4
                  - run: syncschema validate --strict
                  - run: syncschema plan --env \(environment) --format markdown > plan.md
                  - run: gh pr comment ${{ github.event.pull_request.number }} --body-file plan.md --edit-last || gh pr comment ${{ github.event.pull_request.number }} --body-file plan.md
                    env:
                      GH_TOKEN: ${{ github.token }}
              apply:
                if: github.event_name == 'push'
                runs-on: ubuntu-latest
                environment: \(environment)
                env:
                  \(secret): ${{ secrets.\(secret) }}
                steps:
                  - uses: actions/checkout@v4
                  - run: syncschema apply --env \(environment) --auto-approve

            """
    }
}

/// Where `init` puts the JSON Schemas of the file formats, and how files refer to them.
enum EditorSchemas {
    static let schemaFilePath = ".syncschema/schema-file.schema.json"
    static let environmentFilePath = ".syncschema/environment-file.schema.json"
    /// The `"$schema"` value of files under `schemas/`.
    static let schemaFileReference = "../" + schemaFilePath
    /// The `"$schema"` value of files under `environments/`.
    static let environmentFileReference = "../" + environmentFilePath
}
