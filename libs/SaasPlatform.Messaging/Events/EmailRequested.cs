namespace SaasPlatform.Messaging.Events;

/// <summary>
/// The data of <c>email.requested</c> (<see cref="Topics.EmailRequested"/>): one e-mail to send. Services never send
/// mail on the request path; they enqueue this event in their outbox in the same transaction as the change that
/// needs it, and Events.Worker renders <paramref name="Template"/> (plain text plus HTML, in the repository) with
/// <paramref name="Values"/> and delivers it over SMTP, with the retries and dead-letter path of every other event.
/// </summary>
/// <param name="To">The recipient's address.</param>
/// <param name="Template">The template's name, for example <c>password-reset</c>.</param>
/// <param name="Values">The template's placeholders and their values (links, names); never a password.</param>
public sealed record EmailRequested(string To, string Template, IReadOnlyDictionary<string, string> Values);
