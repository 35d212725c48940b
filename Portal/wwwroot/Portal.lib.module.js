// Blazor JS initializer (found by its name). The breach board writes its rows as plain HTML, one string per row, to keep
// each open board's server memory small; a click on a row's button comes back as one "boardaction" event on the table,
// carrying what the button asked for and for which ticket.
export function afterWebStarted(blazor) {
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
