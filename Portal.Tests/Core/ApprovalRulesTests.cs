using Portal.Core.Approvals;
using Portal.Core.Tickets;

namespace Portal.Tests.Core;

public class ApprovalRulesTests
{
    [Theory]
    // quorum, count, eligible, yes, no, outcome
    [InlineData(ApprovalQuorum.One, 1, 3, 1, 0, ApprovalState.Approved)]
    [InlineData(ApprovalQuorum.One, 1, 3, 0, 1, ApprovalState.Rejected)] // the first decision settles "one of them"
    [InlineData(ApprovalQuorum.One, 1, 3, 0, 0, ApprovalState.Pending)]
    [InlineData(ApprovalQuorum.All, 1, 3, 2, 0, ApprovalState.Pending)]
    [InlineData(ApprovalQuorum.All, 1, 3, 3, 0, ApprovalState.Approved)]
    [InlineData(ApprovalQuorum.All, 1, 3, 2, 1, ApprovalState.Rejected)]
    [InlineData(ApprovalQuorum.Count, 2, 3, 1, 1, ApprovalState.Pending)] // two yeses are still possible
    [InlineData(ApprovalQuorum.Count, 2, 3, 0, 2, ApprovalState.Rejected)] // no longer possible
    [InlineData(ApprovalQuorum.Count, 2, 3, 2, 1, ApprovalState.Approved)]
    [InlineData(ApprovalQuorum.Count, 5, 3, 0, 0, ApprovalState.Rejected)] // more than there are approvers: cannot be met
    public void Decisions_AddUpByTheQuorum(ApprovalQuorum quorum, int count, int eligible, int yes, int no, ApprovalState expected) =>
        Assert.Equal(expected, ApprovalRules.Outcome(quorum, count, eligible, yes, no));

    [Fact]
    public void ACondition_HoldsOnlyWhenEveryPartHolds()
    {
        var c = new ApprovalCondition
        {
            Priorities = [TicketPriority.High, TicketPriority.Critical],
            Fields = new() { [7] = ["Finance share"] },
            AmountFieldId = 9, AmountAbove = 1500m,
            RequesterTags = ["contractor"],
        };
        var fields = new Dictionary<int, string> { [7] = "finance share", [9] = "1500.01" };
        Assert.True(ApprovalRules.Applies(c, TicketPriority.High, fields, "vip, Contractor"));
        Assert.False(ApprovalRules.Applies(c, TicketPriority.Normal, fields, "contractor"));
        Assert.False(ApprovalRules.Applies(c, TicketPriority.High, new Dictionary<int, string>(fields) { [9] = "1500" }, "contractor"));
        Assert.False(ApprovalRules.Applies(c, TicketPriority.High, new Dictionary<int, string>(fields) { [9] = "" }, "contractor"));
        Assert.False(ApprovalRules.Applies(c, TicketPriority.High, new Dictionary<int, string>(fields) { [7] = "HR share" }, "contractor"));
        Assert.False(ApprovalRules.Applies(c, TicketPriority.High, fields, "vip"));
        Assert.True(ApprovalRules.Applies(new ApprovalCondition(), TicketPriority.Low, new Dictionary<int, string>(), ""));
    }

    [Fact]
    public void ACondition_RoundTripsThroughItsStoredForm()
    {
        var c = new ApprovalCondition { AmountFieldId = 3, AmountAbove = 1500m, RequesterTags = ["vip"] };
        var back = ApprovalCondition.Parse(c.ToJson());
        Assert.Equal((3, 1500m, "vip"), (back.AmountFieldId!.Value, back.AmountAbove!.Value, Assert.Single(back.RequesterTags)));
        Assert.Equal("", new ApprovalCondition().ToJson());
        Assert.True(ApprovalCondition.Parse("").IsEmpty);
    }
}
