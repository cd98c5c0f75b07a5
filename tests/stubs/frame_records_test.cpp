// The request frame (stubs/frame.h) in process: a handler, or a pending answer's `then`, that throws
// after stating decisions still has them recorded (U1) before the server answers handler_failed.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "stubs/frame.h"
#include "support/reference.h"

namespace tc::stub {
namespace {

struct FrameWorld {
  StubContext ctx;
  std::unique_ptr<Frame> frame;

  FrameWorld() {
    ctx.profile = tc::testing::reference_profile();
    ctx.audit = std::make_unique<AuditLog>("platform", "", 100);
    RoleTable table;
    auto decide = [](Call& call, const char* reason) {
      Decision d;
      d.event = "tenant_selected";
      d.allow = false;
      d.status = 403;
      d.reason = reason;
      call.decide(d);
    };
    table.routes.push_back({"GET", "/throws", [decide](Call& call, const PathParams&) -> Response {
                              decide(call, "invalid_request");
                              throw std::runtime_error("handler failed");
                            }});
    table.routes.push_back({"GET", "/then-throws", [decide](Call& call, const PathParams&) {
                              decide(call, "access_denied");
                              Response r;
                              r.pending = std::make_shared<Pending>(Pending{HttpRequest{}, [&call, decide](Result<HttpResponse>) -> Response {
                                                                              decide(call, "insufficient_scope");
                                                                              throw std::runtime_error("then failed");
                                                                            }});
                              return r;
                            }});
    frame = std::make_unique<Frame>(ctx, std::move(table));
  }

  std::vector<std::string> reasons(const std::string& cid) {
    std::vector<std::string> out;
    for (const auto& record : ctx.audit->query(cid, "")) out.push_back(record.value("reason", ""));  // the profile's spelling, here the key itself
    return out;
  }
};

Request get(const std::string& target, const std::string& cid) {
  Request r;
  r.method = "GET";
  r.set_target(target);
  r.headers.add(tc::testing::reference_profile().header("correlation_id"), cid);
  return r;
}

TEST(FrameRecords, AHandlerThatThrowsHasItsDecisionsRecorded) {
  FrameWorld w;
  const Request r = get("/throws", "frame-throws");
  EXPECT_THROW(w.frame->handle(r), std::runtime_error);
  EXPECT_EQ(w.reasons("frame-throws"), std::vector<std::string>{"invalid_request"});
}

TEST(FrameRecords, APendingAnswerWhoseThenThrowsHasEveryDecisionRecordedOnce) {
  FrameWorld w;
  const Request r = get("/then-throws", "frame-then");
  Response pending = w.frame->handle(r);
  ASSERT_TRUE(pending.pending);
  EXPECT_TRUE(w.reasons("frame-then").empty()) << "recorded before the answer was made";
  EXPECT_THROW(pending.pending->then(HttpResponse{}), std::runtime_error);
  EXPECT_EQ(w.reasons("frame-then"), (std::vector<std::string>{"access_denied", "insufficient_scope"}));
}

}  // namespace
}  // namespace tc::stub
