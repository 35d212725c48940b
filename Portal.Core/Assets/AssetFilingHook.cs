using Portal.Core.Common;
using Portal.Core.Handling;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Assets;

/// <summary>A request filed about devices (the form's device chips) is linked to them from its first history entry.</summary>
internal sealed class AssetFilingHook : ITicketHook
{
    public async Task<Action<Ticket>?> BeforeFilingAsync(DeskDbContext db, Actor actor, NewTicketInput input, ValidationErrors errors,
        CancellationToken ct)
    {
        var assets = await AssetService.ResolveTagsAsync(db, input.AssetTags, errors, ct);
        if (assets.Count == 0)
            return null;
        return ticket =>
        {
            foreach (var asset in assets)
            {
                db.TicketAssets.Add(new TicketAsset { TicketId = ticket.Id, AssetId = asset.Id, LinkedAt = ticket.CreatedAt });
                db.TicketEvents.Add(AssetService.LinkEvent(ticket.Id, actor.UserId, asset, link: true,
                    staff: actor.CanWorkIn(ticket.DepartmentId), ticket.CreatedAt));
            }
        };
    }
}
