// Blazor JS initializer (found by its name). The breach board writes its rows as plain HTML, one string per row, to keep
// each open board's server memory small; a click on a row's button comes back as one "boardaction" event on the table,
// carrying what the button asked for and for which ticket.
export function afterWebStarted(blazor) {
    // A page that writes its state into the address (the queue's view) does so only while it is still the page shown: by
    // the time the server asks, the reader may have clicked through to a ticket, and must not be pulled back.
    window.deskNavigateIfOn = (path, url, replace) => {
        if (location.pathname.toLowerCase() === path.toLowerCase())
            blazor.navigateTo(url, { replaceHistoryEntry: replace });
    };

    blazor.registerCustomEventType('boardaction', {
        browserEventName: 'click',
        createEventArgs: event => {
            const button = event.target.closest('[data-board-action]');
            return button
                ? { action: button.dataset.boardAction, ticketId: parseInt(button.dataset.ticket, 10) || 0 }
                : { action: '', ticketId: 0 };
        },
    });
}
