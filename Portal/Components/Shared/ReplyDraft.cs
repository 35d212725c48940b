using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Components.Shared;

/// <summary>A reply or note as written in the reply box, before it is sent.</summary>
public sealed record ReplyDraft(string Body, bool IsPublic, IReadOnlyList<NewAttachment> Files);
