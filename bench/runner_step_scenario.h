// The scenario and canned response runner_step_bench measures the runner on (bench/README.md).
#pragma once

namespace {

// The typical step: a POST through the gateway with a bearer token, the tenant header, an
// idempotency key and an Accept header, a form body; three captures; status, three headers and four
// JSON checks (contains and subset among them). Every contract spelling comes from the profile.
// The second step only carries a jwt expectation, for BM_JwtVerify.
constexpr const char* kScenario = R"(description: runner per-step cost benchmark
vars:
  tenant: tenant-alpha
  client_id: console
  token: "{{ token_seed }}"
scenarios:
  - name: typical step
    steps:
      - name: typical
        request:
          method: POST
          url: "{{gateway}}{{contract.paths.introspect}}"
          headers:
            "{{contract.headers.authorization}}": "{{contract.values.bearer_scheme}} {{token}}"
            "{{contract.headers.tenant}}": "{{tenant}}"
            "{{contract.headers.idempotency_key}}": "{{run_id}}-{{random(12)}}"
            Accept: application/json
          form:
            token: "{{token}}"
            token_type_hint: access_token
            client_id: "{{client_id}}"
        capture:
          seen_tenant: {json: /tenant}
          first_item: {json: /items/0/id}
          echoed_cid: {header: "{{contract.headers.correlation_id}}"}
        expect:
          status: "{{contract.status.ok}}"
          headers:
            "{{contract.headers.cache_control}}": "{{contract.values.tenant_scoped_cache_control}}"
            "{{contract.headers.vary}}": {matches: "{{contract.headers.authorization}}"}
            "{{contract.headers.correlation_id}}": {equals: "{{correlation_id}}"}
          json:
            - {pointer: /tenant, equals: "{{tenant}}"}
            - {pointer: /items, length: 2}
            - {pointer: /items, contains: {id: plat-alpha-1}}
            - {subset: {tenant: "{{tenant}}", active: true}}
      - name: token
        request:
          url: "{{gateway}}{{contract.paths.token}}"
        expect:
          jwt:
            from: "json:/access_token"
            jwks: "{{gateway}}{{contract.paths.jwks}}"
            claims: {"{{contract.claims.subject}}": user-ada, "{{contract.claims.tenant}}": "{{tenant}}"}
            absent_claims: ["{{contract.claims.allowed_tenants}}"]
)";

const char* kBody =
    R"({"active":true,"tenant":"tenant-alpha","items":[{"id":"plat-alpha-1","tenant":"tenant-alpha","name":"first"},)"
    R"({"id":"plat-alpha-2","tenant":"tenant-alpha","name":"second"}]})";

}  // namespace
