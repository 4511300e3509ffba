namespace SaasPlatform.Messaging.Events;

/// <summary>
/// The data of <c>document.deleted</c> (<see cref="Topics.DocumentDeleted"/>): <paramref name="Orphaned"/> when no
/// document refers to the file any more (its grace period starts).
/// </summary>
public sealed record DocumentDeleted(Guid DocumentId, Guid FileId, bool Orphaned, string? DatabaseName);
