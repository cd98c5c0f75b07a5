#include "common/redact.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/encoding.h"

namespace tc {
namespace {

bool redacted(const std::string& out) { return out.find(kRedacted) != std::string::npos; }

// `text` as the content of a JSON string.
std::string json_escape(const std::string& text) {
  const std::string quoted = nlohmann::json(text).dump();
  return quoted.substr(1, quoted.size() - 2);
}

TEST(Redact, RegisteredSecretsAreMaskedLongestFirst) {
  Redactor r;
  r.add_secret("svc-alpha-fixture-secret");
  r.add_secret("alpha");  // a part of the longer one
  r.add_secret("pw");     // too short: ignored
  std::string out = r.apply("id=svc-alpha-fixture-secret and alpha, pw stays");
  EXPECT_EQ(out, "id=" + std::string(kRedacted) + " and " + std::string(kRedacted) + ", pw stays");
}

// The generation moves with each secret kept, and a text applied at one generation is given back
// as it is by another apply at the same one (what lets a record skip a transcript redacted earlier).
TEST(Redact, TheGenerationCountsTheSecretsKeptAndAnApplyAtTheSameOneChangesNothing) {
  Redactor r;
  EXPECT_EQ(r.generation(), 0u);
  r.add_secret("opaque-session-8f2a");
  r.add_secret("opaque-session-8f2a");  // again: nothing new
  r.add_secret("pw");                   // too short: ignored
  EXPECT_EQ(r.generation(), 1u);
  const std::string text = "Cookie: sid=opaque-session-8f2a\n{\"token\":\"t0k3n-value\"} password=hunter22&x=1 "
                           "Authorization: Bearer abcdef123456 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
  const std::string once = r.apply(text);
  EXPECT_EQ(once.find("opaque-session-8f2a"), std::string::npos) << once;
  EXPECT_EQ(r.apply(once), once);
  r.add_secret("hunter22-later");
  EXPECT_EQ(r.generation(), 2u);
  EXPECT_EQ(r.apply("and hunter22-later"), "and " + std::string(kRedacted));
}

// A short text's answer is kept for the next apply of the same text; a secret added since masks it
// there too (the kept answers are dropped), and a long text is never kept.
TEST(Redact, AShortTextAppliedAgainAfterANewSecretIsMaskedAgain) {
  Redactor r;
  const std::string short_text = "expected \"tenant-alpha-77\" in /tenant";
  const std::string long_text = std::string(300, 'x') + " tenant-alpha-77";
  EXPECT_EQ(r.apply(short_text), short_text);
  EXPECT_EQ(r.apply(short_text), short_text);
  EXPECT_EQ(r.apply(long_text), long_text);
  r.add_secret("tenant-alpha-77");
  EXPECT_EQ(r.apply(short_text), "expected \"" + std::string(kRedacted) + "\" in /tenant");
  EXPECT_EQ(r.apply(long_text), std::string(300, 'x') + " " + std::string(kRedacted));
  for (int i = 0; i < 5000; ++i) r.apply("check " + std::to_string(i));  // more texts than are kept
  EXPECT_EQ(r.apply(short_text), "expected \"" + std::string(kRedacted) + "\" in /tenant");
  EXPECT_EQ(r.apply("check 4999"), "check 4999");
}

// A run builds the scan ahead, while the pack loads; secrets learnt after it are masked as well.
TEST(Redact, AScanBuiltAheadMasksTheSecretsKnownThenAndThoseAddedAfter) {
  Redactor r;
  r.add_secret("known-before-0001");
  r.prepare();
  r.add_secret("learnt-after-0002");
  EXPECT_EQ(r.apply("a known-before-0001 b learnt-after-0002 c password=hunter22"),
            "a " + std::string(kRedacted) + " b " + std::string(kRedacted) + " c password=" + std::string(kRedacted));
}

// A secret learnt after the scan was built, holding what a pattern masks (an environment value
// with `password=` in it), is masked whole, not from the pattern on; so is one holding an earlier
// secret. Checked with the scan built ahead (prepare) and by an apply.
TEST(Redact, ASecretLearntAfterTheScanThatHoldsAPatternIsMaskedWhole) {
  for (bool ahead : {true, false}) {
    Redactor r;
    r.add_secret("earlier-secret-42");
    if (ahead)
      r.prepare();
    else
      r.apply("builds the scan");
    r.add_secret("tk-7731:password=hunter22");
    EXPECT_EQ(r.apply("key tk-7731:password=hunter22 end"), "key " + std::string(kRedacted) + " end") << ahead;
    r.add_secret("pre-earlier-secret-42-post");
    EXPECT_EQ(r.apply("k pre-earlier-secret-42-post e"), "k " + std::string(kRedacted) + " e") << ahead;
    EXPECT_EQ(r.apply("k earlier-secret-42 e"), "k " + std::string(kRedacted) + " e") << ahead;
  }
}

TEST(Redact, ATextAsShortAsTheShortestSecretIsReadLikeAnyOther) {
  Redactor r;
  r.add_secret("k3y!");  // the shortest secret kept
  EXPECT_EQ(r.apply("k3y!"), kRedacted);
  EXPECT_EQ(r.apply("k3y"), "k3y");
  EXPECT_EQ(r.apply(""), "");
  EXPECT_EQ(r.apply("eyJ."), kRedacted);  // the shortest JWT-shaped run
  EXPECT_EQ(r.apply("eyJ"), "eyJ");
}

TEST(Redact, BearerAndBasicCredentials) {
  Redactor r;
  std::string basic = base64_encode("svc-alpha:s3cr3t-value");
  std::string out = r.apply("Authorization: Bearer opaque-token-123456\nauthorization: basic " + basic + "\n");
  EXPECT_EQ(out.find("opaque-token-123456"), std::string::npos);
  EXPECT_EQ(out.find(basic), std::string::npos);
  EXPECT_NE(out.find("Bearer " + std::string(kRedacted)), std::string::npos);
  EXPECT_NE(out.find("basic " + std::string(kRedacted)), std::string::npos);
}

TEST(Redact, ChallengeParametersStayReadable) {
  Redactor r;
  std::string challenge = "WWW-Authenticate: Bearer error=\"invalid_token\"";
  EXPECT_EQ(r.apply(challenge), challenge);
  EXPECT_EQ(r.apply("WWW-Authenticate: Bearer"), "WWW-Authenticate: Bearer");
}

TEST(Redact, AnythingShapedLikeAJwt) {
  Redactor r;
  std::string header = base64url_encode(R"({"alg":"RS256","kid":"k"})");
  std::string jwt = header + "." + base64url_encode(R"({"sub":"user-ada"})") + "." + base64url_encode(random_bytes(64));
  std::string out = r.apply("token in a body: {\"x\":\"" + jwt + "\"} and alone " + jwt);
  EXPECT_EQ(out.find(jwt), std::string::npos);
  EXPECT_EQ(out.find(header), std::string::npos);
  std::string none = header + "." + base64url_encode("{}") + ".";  // alg none: empty signature
  EXPECT_EQ(r.apply(none), std::string(kRedacted));
  // A token cut short in a message ("actual …" of a capture) still shows neither header nor payload.
  const std::string cut = jwt.substr(0, header.size() + 12);
  EXPECT_EQ(r.apply("actual \"" + cut + "\xE2\x80\xA6\""), "actual \"" + std::string(kRedacted) + "\xE2\x80\xA6\"");
}

// JWTs are masked by a scan of their own unless a secret form contains "eyJ"; then RE2 masks them
// with everything else. Both ways give the same text.
TEST(Redact, JwtScanGivesWhatTheJwtPatternGives) {
  const std::string header = base64url_encode(R"({"alg":"RS256"})");
  const std::string jwt = header + "." + base64url_encode(R"({"sub":"u"})") + "." + base64url_encode(random_bytes(32));
  const std::string texts[] = {
      "Authorization: Bearer " + jwt + "\nX-Tenant-ID: acme\n",
      "token=" + jwt + "&token_type_hint=access_token",
      R"({"access_token":")" + jwt + R"(","token_type":"Bearer"})",
      "Cookie: session=" + jwt + "; theme=dark\n",
      "glued" + jwt + ".more.dots and eyJnodot and eyJ. and eyJa.b.c.d and " + jwt.substr(0, header.size() + 5) + "…",
      "eyJ", "eyJx.", "no token here at all", "",
  };
  std::vector<std::string> all(std::begin(texts), std::end(texts));
  // Where the scan looks ("eyJ" found by its J) and where a segment ends (eight bytes at a time).
  for (const char* t : {"eeyJa.b", "eyeyJa.b", "JJ eyJ J.x", "yJa.b", "ey", "eyJa.b" /* at the start */,
                        "x.eyJa.b.", "eyJa..", "eyJ.eyJa.b"})
    all.emplace_back(t);
  all.push_back(jwt + jwt);
  all.push_back(jwt + " " + jwt);
  for (std::size_t cut = 0; cut < 20; ++cut) {
    std::string long_segment = "eyJ" + std::string(24, 'A') + "." + std::string(24, 'b');
    long_segment.insert(3 + cut, "!");
    all.push_back(long_segment + " tail");
    long_segment.insert(28 + cut, "=");
    all.push_back("at " + long_segment);
  }
  Redactor scanned, by_re2;
  by_re2.add_secret("planted-eyJ-secret");  // a secret form with "eyJ": the JWT pattern stays in RE2
  for (const auto& text : all) {
    EXPECT_EQ(scanned.apply(text), by_re2.apply(text)) << text;
    EXPECT_EQ(scanned.apply(text).find(jwt.substr(0, 12)), std::string::npos) << text;
  }
  EXPECT_EQ(scanned.apply("a eyJa.b.c.d z"), "a " + std::string(kRedacted) + ".d z");
  EXPECT_EQ(by_re2.apply("x planted-eyJ-secret y"), "x " + std::string(kRedacted) + " y");
}

TEST(Redact, CookieHeaderLines) {
  Redactor r;
  std::string out = r.apply("> Cookie: session=abc123; theme=dark\n< Set-Cookie: session=xyz789; HttpOnly\nVary: Cookie\n");
  EXPECT_EQ(out.find("abc123"), std::string::npos);
  EXPECT_EQ(out.find("xyz789"), std::string::npos);
  EXPECT_NE(out.find("Vary: Cookie"), std::string::npos);
}

TEST(Redact, FormAndQueryFields) {
  Redactor r;
  const char* names[] = {"password", "client_secret", "refresh_token", "access_token", "code_verifier",
                         "token",    "id_token",      "assertion"};
  for (const char* name : names) {
    std::string out = r.apply(std::string("grant_type=x&") + name + "=planted-value-1&scope=openid");
    EXPECT_EQ(out.find("planted-value-1"), std::string::npos) << name;
    EXPECT_NE(out.find("grant_type=x&"), std::string::npos) << name;
    EXPECT_NE(out.find("&scope=openid"), std::string::npos) << name;
  }
  std::string url = r.apply("GET /cb?code=ok&code_verifier=planted-verifier HTTP/1.1");
  EXPECT_EQ(url.find("planted-verifier"), std::string::npos);
  EXPECT_NE(url.find("code=ok"), std::string::npos);
}

TEST(Redact, JsonSecretFields) {
  Redactor r;
  const char* keys[] = {"password", "client_secret", "secret", "access_token", "refresh_token", "id_token", "token"};
  for (const char* key : keys) {
    std::string out = r.apply(std::string("{\"user\":\"ada\", \"") + key + "\" : \"planted \\\"quoted\\\" value\"}");
    EXPECT_EQ(out.find("planted"), std::string::npos) << key;
    EXPECT_EQ(out.find("quoted"), std::string::npos) << key;
    EXPECT_NE(out.find("\"user\":\"ada\""), std::string::npos) << key;
    EXPECT_TRUE(redacted(out)) << key;
  }
  EXPECT_EQ(r.apply(R"({"token_type":"Bearer","expires_in":900})"), R"({"token_type":"Bearer","expires_in":900})");
}

// A value cut short (a body shown to a limit) is masked to its line's end, and what follows on the
// next lines is read on its own: a JSON string holds no line break, so no match spans two lines.
TEST(Redact, AJsonSecretValueCutShortIsMaskedToItsLinesEnd) {
  Redactor r;
  EXPECT_EQ(r.apply("> {\"user\":\"ada\",\"password\":\"hunter2-cut\n> \u2026 (40 more bytes)\n< {\"id\":\"x\"}"),
            "> {\"user\":\"ada\",\"password\":\"" + std::string(kRedacted) + "\n> \u2026 (40 more bytes)\n< {\"id\":\"x\"}");
  EXPECT_EQ(r.apply("{\"token\": \"cut-at-the-end"), "{\"token\": \"" + std::string(kRedacted));
  // Cut just after a backslash (an escape cut in two).
  EXPECT_EQ(r.apply("{\"password\":\"hunt\\\n< x"), "{\"password\":\"" + std::string(kRedacted) + "\n< x");
  // Inside a quoted JSON document too.
  EXPECT_EQ(r.apply("{\"body\":\"{\\\"password\\\":\\\"pw-cut\n"), "{\"body\":\"{\\\"password\\\":\\\"" + std::string(kRedacted) + "\n");
  EXPECT_EQ(r.apply("{\"body\":\"{\\\"password\\\":\\\"pw-cut\\\\\n"), "{\"body\":\"{\\\"password\\\":\\\"" + std::string(kRedacted) + "\n");
}

// Each header line is read from its start, whatever the line before it ended with.
TEST(Redact, ACookieLineRightAfterACredentialLineIsMasked) {
  Redactor r;
  const std::string out = r.apply("> Authorization: Bearer opaque-token-123456\n> Cookie: sid=opaque-sid-77\n> X: 1\n");
  EXPECT_EQ(out.find("opaque-token-123456"), std::string::npos) << out;
  EXPECT_EQ(out.find("opaque-sid-77"), std::string::npos) << out;
  EXPECT_NE(out.find("> X: 1"), std::string::npos) << out;
}

// A registered secret given back escaped, encoded or quoted by a server or a log.
TEST(Redact, RegisteredSecretsInTheirJsonUrlAndBase64Forms) {
  Redactor r;
  const std::string secret = "pl\"anted/s3cr3t \\value+ü";
  r.add_secret(secret);
  const std::string json_once = json_escape(secret);
  const std::string forms[] = {
      secret,
      json_once,                                    // in a JSON string
      json_escape(json_once),                       // in a JSON string quoting a JSON body
      url_encode(secret),                           // in a URL path or query
      "pl%22anted%2fs3cr3t%20%5cvalue%2b%c3%bc",    // lower-case escapes
      "pl%22anted%2Fs3cr3t+%5Cvalue%2B%C3%BC",      // a form body
      base64_encode(secret),
      base64url_encode(secret),
  };
  for (const auto& form : forms) {
    const std::string out = r.apply("before " + form + " after");
    EXPECT_EQ(out, "before " + std::string(kRedacted) + " after") << form;
  }
  // Inside a longer base64 text, at each of the three offsets of a 3-byte group: the characters
  // that only the secret decides are gone.
  for (const std::string prefix : {"", "x", "xy"}) {
    const std::string whole = base64_encode("user=" + prefix + secret + ";");
    const std::string out = r.apply(whole);
    EXPECT_TRUE(redacted(out)) << prefix;
    const std::size_t first = (8 * (5 + prefix.size()) + 5) / 6;  // the first character only the secret decides
    const std::string middle = whole.substr(first, 12);
    EXPECT_EQ(out.find(middle), std::string::npos) << prefix << ": " << out;
  }
}

// An echo that returns the request's JSON body as a JSON string: every secret-bearing field of the
// quoted document is masked, and nothing else.
TEST(Redact, SecretFieldsOfAJsonBodyQuotedInsideAJsonString) {
  Redactor r;
  const nlohmann::json inner = {{"user", "ada"}, {"password", "pw-planted \"q\" 1"},
                                {"client_secret", "cs-planted-2"}, {"refresh_token", "rt-planted-3"}};
  const nlohmann::json echo = {{"body", inner.dump()},
                               {"headers", {{"cookie", {"session=ck-planted-4"}}, {"x-trace", {"t-1"}}}}};
  const std::string body = echo.dump();
  const std::string out = r.apply(body);
  for (const char* planted : {"pw-planted", "\"q\\", "cs-planted-2", "rt-planted-3", "ck-planted-4"})
    EXPECT_EQ(out.find(planted), std::string::npos) << planted << " in " << out;
  EXPECT_NE(out.find(R"(\"user\":\"ada\")"), std::string::npos) << out;
  // The outer document's own escapes inside the value (an encoder that writes \u00e9 or \/).
  const std::string escaped = R"({"body":"{\"password\":\"pw-\u00e9\/-hidden-part\"}"})";
  EXPECT_EQ(r.apply(escaped).find("hidden-part"), std::string::npos) << r.apply(escaped);
  EXPECT_NE(out.find(R"(\"password\":\")" + std::string(kRedacted) + R"(\")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("x-trace":["t-1"])"), std::string::npos) << out;
}

// Secrets registered while other threads redact (the supervisor's pipes do): no race, and a
// secret counts from the moment add_secret returns.
TEST(Redact, SecretsMayBeAddedWhileOtherThreadsApply) {
  Redactor r;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) r.apply("a line with planted-secret-0 and planted-secret-17 in it");
  });
  for (int i = 0; i < 40; ++i) {
    const std::string s = "planted-secret-" + std::to_string(i);
    r.add_secret(s);
    EXPECT_EQ(r.apply("<" + s + ">"), "<" + std::string(kRedacted) + ">");
  }
  stop = true;
  reader.join();
}

// A long run registers secrets one at a time between outputs (a captured session per flow): each
// is masked at once, also one containing an earlier one, and one contained in an earlier one.
TEST(Redact, SecretsAddedOneAtATimeAreMaskedAtOnce) {
  Redactor r;
  for (int i = 0; i < 600; ++i) {
    const std::string s = "session-value-" + std::to_string(i * 7919) + "-x";
    r.add_secret(s);
    ASSERT_EQ(r.apply("[" + s + "]"), "[" + std::string(kRedacted) + "]") << i;
    ASSERT_EQ(r.apply("first session-value-0-x"), "first " + std::string(kRedacted)) << i;
  }
  r.add_secret("session-value-0-x-and-more");  // contains an earlier secret
  EXPECT_EQ(r.apply("<session-value-0-x-and-more>"), "<" + std::string(kRedacted) + ">");
  r.add_secret("value-7919");  // inside an earlier secret: that one is masked whole
  EXPECT_EQ(r.apply("<session-value-7919-x> <value-7919>"), "<" + std::string(kRedacted) + "> <" + std::string(kRedacted) + ">");
}

TEST(Redact, GlobalRedactorIsOneInstance) {
  EXPECT_EQ(&global_redactor(), &global_redactor());
  global_redactor().add_secret("global-planted-secret");
  EXPECT_TRUE(redacted(global_redactor().apply("x global-planted-secret y")));
}

}  // namespace
}  // namespace tc
