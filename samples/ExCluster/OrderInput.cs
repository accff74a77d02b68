using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace ExCluster;

/// <summary>What the API accepts: a customer of 1 to 128 characters, and a body that is a JSON array of integers of at most 1 MiB.</summary>
public static class OrderInput
{
    /// <summary>The longest customer accepted.</summary>
    public const int MaxCustomerLength = 128;

    /// <summary>A 400 problem if <paramref name="customer"/> is empty, blank or too long; else null.</summary>
    public static IResult? CheckCustomer(string? customer) =>
        string.IsNullOrWhiteSpace(customer) ? BadRequest("The customer is empty.")
        : customer.Length > MaxCustomerLength ? BadRequest($"The customer is longer than {MaxCustomerLength} characters.")
        : null;

    /// <summary>Reads the items of an append, or a 400 problem: not a JSON array of integers, or a body over 1 MiB.</summary>
    public static async Task<(int[]? Items, IResult? Problem)> ReadItemsAsync(HttpRequest request)
    {
        if (request.ContentLength > OrdersApi.MaxBodyBytes)
            return (null, await DrainedTooLargeAsync(request));
        try
        {
            var items = await JsonSerializer.DeserializeAsync<int[]>(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return items is null ? (null, NotIntegers()) : (items, null);
        }
        catch (JsonException)
        {
            return (null, NotIntegers());
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge()); // a chunked body that grew past the limit
        }
    }

    private static IResult NotIntegers() => BadRequest("The body is not a JSON array of integers.");

    private static IResult TooLarge() => BadRequest($"The body is larger than {OrdersApi.MaxBodyBytes} bytes.");

    /// <summary>
    /// The 400 for a body whose length says it is too large, after reading and dropping it (bounded in bytes and time):
    /// answered before the client has sent it, the connection would close under the client's writes and it would see a
    /// reset, not the 400.
    /// </summary>
    private static async Task<IResult> DrainedTooLargeAsync(HttpRequest request)
    {
        const long drainLimit = 8 * OrdersApi.MaxBodyBytes;
        if (request.ContentLength <= drainLimit && request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = drainLimit;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(request.HttpContext.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var buffer = new byte[16 * 1024];
            try
            {
                while (await request.Body.ReadAsync(buffer, timeout.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
            {
            }
        }
        return TooLarge();
    }

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);
}
